/** SQLSTATE classes and codes of a database that is down, restarting or out of connections. */
const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
/** Node socket errors of a server that cannot be reached. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Messages of `pg` for a connection lost, or a pool that could not connect in time. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];
/** gRPC statuses UNAVAILABLE and DEADLINE_EXCEEDED: the Temporal server cannot be reached or did not answer. */
const GRPC_UNAVAILABLE = new Set([14, 4]);

/**
 * Whether `err` (or an error in its `cause` chain) says Docket's own database or Temporal server is unreachable,
 * rather than anything about the document or the provider.
 */
export function isInfrastructureError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code))) return true;
    if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code)) return true;
    if (e.name === 'AggregateError' && (e as AggregateError).errors.some(isInfrastructureError)) return true;
    if (PG_MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true;
  }
  return false;
}

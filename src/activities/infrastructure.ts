import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPES } from '../shared/errors.js';

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
/** gRPC status UNAVAILABLE: the Temporal server cannot be reached. */
const GRPC_UNAVAILABLE = 14;

/**
 * Whether `err` (or an error in its `cause` chain) says Docket's own database or Temporal server is unreachable,
 * rather than anything about the document or the provider.
 */
export function isInfrastructureError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code))) return true;
    if (code === GRPC_UNAVAILABLE) return true;
    if (e.name === 'AggregateError' && (e as AggregateError).errors.some(isInfrastructureError)) return true;
    if (PG_MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true;
  }
  return false;
}

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/**
 * The retried failure an activity throws when the database or Temporal is unreachable: typed
 * `DocketInfrastructureUnavailable`, with a backoff that grows with the attempt up to 30 s.
 */
export function infrastructureFailure(err: unknown, attempt: number): ApplicationFailure {
  const reason = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({
    type: ERROR_TYPES.infrastructureUnavailable,
    message: `Docket's database or Temporal server is unavailable (${reason}); retrying`,
    nonRetryable: false,
    nextRetryDelay: Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1)),
    details: [{ errorClass: 'infrastructure' }],
  });
}

/**
 * Wraps an activity so that a database or Temporal outage surfaces as {@link infrastructureFailure}; every other
 * failure passes through unchanged.
 */
export function retryingInfrastructure<A extends unknown[], R>(
  activity: (...args: A) => Promise<R>,
  attempt: () => number,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await activity(...args);
    } catch (err) {
      if (!(err instanceof ApplicationFailure) && isInfrastructureError(err))
        throw infrastructureFailure(err, attempt());
      throw err;
    }
  };
}

import { isGrpcServiceError } from '@temporalio/client';
import { HttpError } from './http-error.js';

/** Socket errors of a dependency that did not answer, as `pg` and Node report them. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
/** PostgreSQL classes 08 (connection exception) and 57P (operator intervention: shutdown, cannot connect now). */
const POSTGRES_UNAVAILABLE = /^(08|57P0[1-3]|53300)/;
/** `pg`'s own words for a connection that ended or never came. */
const PG_CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection timeout/i;
/** gRPC UNAVAILABLE and DEADLINE_EXCEEDED: Temporal did not answer. */
const GRPC_UNAVAILABLE = new Set([14, 4]);

/**
 * A 503 for an error that says a dependency (PostgreSQL or Temporal) is unreachable, not that the request is wrong:
 * the caller may send the same request again once it is back. Anything else is not this function's to judge.
 */
export function unavailableError(err: unknown): HttpError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code)))
      return answer('the database');
    if (PG_CONNECTION_MESSAGES.test(e.message)) return answer('the database');
    if (isGrpcServiceError(e) && GRPC_UNAVAILABLE.has(e.code)) return answer('Temporal');
  }
  return undefined;
}

function answer(what: string): HttpError {
  return new HttpError('unavailable', `${what} is unreachable right now; try again shortly`);
}

import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPES } from '../shared/errors.js';
import { isInfrastructureError } from '../shared/infrastructure-errors.js';

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

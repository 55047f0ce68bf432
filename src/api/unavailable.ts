import { isInfrastructureError } from '../shared/infrastructure-errors.js';
import { HttpError } from './http-error.js';

/**
 * A 503 for an error that says Docket's database or Temporal server is unreachable, not that the request is wrong:
 * the caller may send the same request again once it is back. Anything else is not this function's to judge.
 */
export function unavailableError(err: unknown): HttpError | undefined {
  if (!isInfrastructureError(err)) return undefined;
  return new HttpError(
    'unavailable',
    "Docket's database or Temporal server is unreachable right now; try again shortly",
  );
}

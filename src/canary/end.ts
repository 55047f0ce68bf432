import { endCanary as endCanaryRow, type CanaryRow } from '../db/canary.js';
import type { ServiceDeps } from '../documents/deps.js';
import { ConflictError } from '../documents/errors.js';

/** How an admin ends a canary: `promote` makes the candidate every new document's variant, `rollback` the baseline. */
export type CanaryEnd = 'promote' | 'rollback';

/** Ends the active canary by hand; `by` is who asked (recorded and logged). A conflict when no canary is active. */
export async function endCanary(
  deps: Pick<ServiceDeps, 'pool' | 'logger'>,
  action: CanaryEnd,
  by: string,
): Promise<CanaryRow> {
  const ended = await endCanaryRow(deps.pool, action === 'promote' ? 'promoted' : 'rolled_back', `${action} by ${by}`);
  if (!ended) throw new ConflictError('no canary is active: start one with `docket canary start` or POST /v1/canary');
  deps.logger?.warn({ canary: ended.id, by }, `canary ${action === 'promote' ? 'promoted' : 'rolled back'}`);
  return ended;
}

import { latestCanary, type CanaryRow } from '../db/canary.js';
import type { Pool } from '../db/pool.js';
import type { CanarySplit, Variant } from '../shared/split.js';

/** What a canary makes of a new document's configured variant. */
export interface CanaryRouting {
  /** The variant outside any split: the configured one, or a promoted candidate. */
  variant: Variant;
  /** While a canary is active: the split that picks each document's variant from its id (src/shared/split.ts). */
  split?: CanarySplit;
}

/**
 * The say of `canary` (the newest, whatever its status) in the variant of a new document whose configured variant is
 * `configured`: after a promotion the candidate replaces it; while active, a split between it and the candidate;
 * otherwise (none, or rolled back) it stands.
 */
export function canaryRouting(canary: CanaryRow | undefined, configured: Variant): CanaryRouting {
  if (canary?.status === 'promoted') return { variant: canary.candidate };
  if (canary?.status !== 'active') return { variant: configured };
  // The baseline is the document's own configured variant (DOCKET_TAXONOMY_MODELS applies), not the one the canary
  // recorded when it started for the default taxonomy.
  return { variant: configured, split: { share: canary.share, baseline: configured, candidate: canary.candidate } };
}

/**
 * {@link canaryRouting} under the newest canary, read now. Not cached: one indexed read beside a submission's own
 * queries and workflow start, so that a rollback by any process (the worker's automatic one included) applies to the
 * next document.
 */
export async function currentCanaryRouting(pool: Pool, configured: Variant): Promise<CanaryRouting> {
  return canaryRouting(await latestCanary(pool), configured);
}

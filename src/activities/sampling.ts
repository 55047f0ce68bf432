import { splitBucket } from '../shared/split.js';

/**
 * Whether a workflow's calls are sampled: the same workflow id always gives the same answer, so a sampled
 * document has all its calls kept (its first answer, its repair) and the share is stable across retries.
 */
export function isSampled(workflowId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return splitBucket(workflowId) < rate;
}

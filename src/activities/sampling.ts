import { createHash } from 'node:crypto';

/**
 * Whether a workflow's calls are sampled: the same workflow id always gives the same answer, so a sampled
 * document has all its calls kept (its first answer, its repair) and the share is stable across retries.
 */
export function isSampled(workflowId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const bucket = createHash('sha256').update(workflowId).digest().readUInt32BE(0) / 0x1_0000_0000;
  return bucket < rate;
}

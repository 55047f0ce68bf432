import { candidateParseCounts, endCanary, type CandidateParseCounts } from '../db/canary.js';
import type { Pool } from '../db/pool.js';

/**
 * The automatic rollback rule: once the candidate has answered `minCalls` calls, a parse-failure rate above
 * `maxParseFailureRate` ends the canary. The reason to record, or undefined while the candidate may go on.
 */
export function automaticRollbackReason(counts: CandidateParseCounts): string | undefined {
  const { answered, failed, maxParseFailureRate, minCalls } = counts;
  if (answered < minCalls || failed / answered <= maxParseFailureRate) return undefined;
  return `automatic: candidate parse-failure rate ${(failed / answered).toFixed(3)} over ${answered} calls exceeds ${maxParseFailureRate}`;
}

/**
 * Applies the rule to the active canary (after an invalid answer of its candidate); true when this call rolled it
 * back. Concurrent checks are safe: only one of them ends the canary.
 */
export async function rollBackIfFailing(pool: Pool): Promise<boolean> {
  const counts = await candidateParseCounts(pool);
  const reason = counts && automaticRollbackReason(counts);
  if (!reason) return false;
  return (await endCanary(pool, 'rolled_back', reason)) !== undefined;
}

import { z } from 'zod';
import { BATCH_TIER_DISCOUNT } from '../../llm/pricing.js';
import type { ModeRow } from '../rows.js';

export const modeRowSchema = z.object({
  mode: z.enum(['realtime', 'batch_api']),
  calls: z.number(),
  costUsd: z.number().describe('Dollars of the priced calls, at the price of their mode.'),
  realtimeEquivalentUsd: z.number().describe('What the same calls would have cost as realtime calls.'),
  savedUsd: z.number().describe('realtimeEquivalentUsd − costUsd: the Batch API discount earned.'),
  providerJobs: z.number().describe('Batch API jobs the calls came from (0 for realtime).'),
  waitP50Ms: z
    .number()
    .nullable()
    .describe('Batch API: median wait from queueing the request to its answer. Realtime: median call latency.'),
  waitP95Ms: z.number().nullable(),
});
export type ModeRowView = z.infer<typeof modeRowSchema>;

export const modesSectionSchema = z.object({
  byMode: z.array(modeRowSchema),
  savedUsd: z.number().describe('Dollars saved by the Batch API in the window.'),
});
export type ModesSection = z.infer<typeof modesSectionSchema>;

/** Spend and savings by mode, and the Batch API's wait; undefined when the window has no Batch API call. */
export function modesSection(rows: readonly ModeRow[]): ModesSection | undefined {
  if (!rows.some((r) => r.mode === 'batch_api')) return undefined;
  const byMode = rows.map((r) => {
    const realtimeEquivalentUsd = r.mode === 'batch_api' ? r.costUsd / BATCH_TIER_DISCOUNT : r.costUsd;
    return {
      mode: r.mode,
      calls: r.calls,
      costUsd: r.costUsd,
      realtimeEquivalentUsd,
      savedUsd: realtimeEquivalentUsd - r.costUsd,
      providerJobs: r.providerJobs,
      waitP50Ms: r.waitP50Ms,
      waitP95Ms: r.waitP95Ms,
    };
  });
  return { byMode, savedUsd: byMode.reduce((sum, r) => sum + r.savedUsd, 0) };
}

import { z } from 'zod';
import type { CallTotalsRow } from '../rows.js';
import { REPORT_WARNING, reportWarningSchema, type ReportWarning } from '../warnings.js';

/** p95 above this multiple of p50 is a latency tail worth a warning. */
export const LATENCY_TAIL_FACTOR = 3;

export const percentilesSchema = z.object({
  count: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
export type Percentiles = z.infer<typeof percentilesSchema>;

export const latencySectionSchema = z.object({
  all: percentilesSchema.describe('Milliseconds, every call (failures and timeouts included).'),
  ok: percentilesSchema.describe('Milliseconds, calls whose outcome is `ok`.'),
  warnings: z.array(reportWarningSchema),
});
export type LatencySection = z.infer<typeof latencySectionSchema>;

/** Latency percentiles of every call and of ok calls, with a warning when p95 is far above p50. */
export function latencySection(totals: CallTotalsRow): LatencySection {
  const all = { count: totals.calls, p50: totals.p50All, p95: totals.p95All, p99: totals.p99All };
  const ok = { count: totals.ok, p50: totals.p50Ok, p95: totals.p95Ok, p99: totals.p99Ok };
  return { all, ok, warnings: tailWarnings({ all, ok }) };
}

function tailWarnings(latency: Record<'all' | 'ok', Percentiles>): ReportWarning[] {
  const tails = (['all', 'ok'] as const).filter((k) => {
    const { p50, p95 } = latency[k];
    return p50 !== null && p95 !== null && p95 > LATENCY_TAIL_FACTOR * p50;
  });
  if (tails.length === 0) return [];
  const describe = (k: 'all' | 'ok') =>
    `${k === 'all' ? 'all calls' : 'ok calls'} p95 ${Math.round(latency[k].p95 ?? 0)} ms vs p50 ${Math.round(latency[k].p50 ?? 0)} ms`;
  return [
    {
      code: REPORT_WARNING.latencyTail,
      message: `p95 latency is over ${LATENCY_TAIL_FACTOR}× p50 (${tails.map(describe).join('; ')})`,
    },
  ];
}

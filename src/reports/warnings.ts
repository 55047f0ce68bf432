import { z } from 'zod';

/** Warning codes of the report: stable strings that tools may match on. */
export const REPORT_WARNING = {
  unpricedCalls: 'unpriced_calls',
  promptBelowCacheMinimum: 'prompt_below_cache_minimum',
  noCachedTokens: 'no_cached_tokens',
  latencyTail: 'latency_tail',
  finishReasonLength: 'finish_reason_length',
} as const;

/** A figure that deserves attention: its stable code and a sentence saying what to do. */
export const reportWarningSchema = z.object({
  code: z.enum(REPORT_WARNING),
  message: z.string(),
});
export type ReportWarning = z.infer<typeof reportWarningSchema>;
export type ReportWarningCode = ReportWarning['code'];

/** Warnings that describe the simulator, not the user's prompts or provider: left out of a simulated report. */
const SIMULATOR_ARTEFACTS: ReadonlySet<ReportWarningCode> = new Set([
  REPORT_WARNING.promptBelowCacheMinimum,
  REPORT_WARNING.noCachedTokens,
  REPORT_WARNING.latencyTail,
]);

/** The section without the warnings only a real provider's answers can justify (prompt caching, latency tails). */
export function withoutSimulatorArtefacts<T extends { warnings: ReportWarning[] }>(section: T): T {
  return { ...section, warnings: section.warnings.filter((w) => !SIMULATOR_ARTEFACTS.has(w.code)) };
}

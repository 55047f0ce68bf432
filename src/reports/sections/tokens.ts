import { z } from 'zod';
import type { CallTotalsRow } from '../rows.js';
import { REPORT_WARNING, reportWarningSchema, type ReportWarning } from '../warnings.js';
import { ratio } from './shares.js';

/** OpenAI caches prompt prefixes only from this many tokens on. */
export const CACHE_MIN_PROMPT_TOKENS = 1024;
/** With at least this many calls, a cached ratio of exactly zero is worth a warning. */
export const NO_CACHE_MIN_CALLS = 20;

export const tokensSectionSchema = z.object({
  input: z.number(),
  cached: z.number(),
  output: z.number(),
  cachedRatio: z.number().nullable().describe('cached / input, or null when no input tokens were recorded.'),
  medianInputTokensOk: z
    .number()
    .nullable()
    .describe('The median input tokens of successful calls: the prompt size the cache sees.'),
  warnings: z.array(reportWarningSchema),
});
export type TokensSection = z.infer<typeof tokensSectionSchema>;

/** Tokens in, cached and out, with a warning when prompt caching cannot work or does not. */
export function tokensSection(totals: CallTotalsRow): TokensSection {
  const cachedRatio = ratio(totals.cachedTokens, totals.inputTokens);
  return {
    input: totals.inputTokens,
    cached: totals.cachedTokens,
    output: totals.outputTokens,
    cachedRatio,
    medianInputTokensOk: totals.medianInputTokensOk,
    warnings: cacheWarnings(totals.medianInputTokensOk, cachedRatio, totals.calls),
  };
}

function cacheWarnings(medianInput: number | null, cachedRatio: number | null, calls: number): ReportWarning[] {
  if (medianInput !== null && medianInput < CACHE_MIN_PROMPT_TOKENS) {
    return [
      {
        code: REPORT_WARNING.promptBelowCacheMinimum,
        message:
          `the median prompt of successful calls is ${Math.round(medianInput)} tokens: prompts under ` +
          `${CACHE_MIN_PROMPT_TOKENS} tokens are never cached by OpenAI`,
      },
    ];
  }
  if (cachedRatio === 0 && calls >= NO_CACHE_MIN_CALLS) {
    return [
      {
        code: REPORT_WARNING.noCachedTokens,
        message:
          `no cached input tokens in ${calls} calls: the prompt prefix is probably not stable ` +
          `(put the instructions and taxonomy first and the document last)`,
      },
    ];
  }
  return [];
}

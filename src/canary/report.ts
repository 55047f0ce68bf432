import { z } from 'zod';
import {
  latestCanary,
  variantAgreementCounts,
  variantCallCounts,
  type CanaryRow,
  type VariantAgreementCounts,
  type VariantCallCounts,
} from '../db/canary.js';
import type { ServiceDeps } from '../documents/deps.js';
import { NotFoundError } from '../documents/errors.js';
import { wilsonInterval } from '../reports/accuracy/wilson.js';

// The canary report: its figures are computed (purely) from the counts src/db/canary.ts reads. The schemas are the one declaration of
// their shape; the types below and the OpenAPI response of `GET /v1/canary` derive from them.

export const rateSchema = z
  .object({
    count: z.number().int(),
    total: z.number().int(),
    rate: z.number().nullable(),
    low: z.number().nullable(),
    high: z.number().nullable(),
  })
  .describe('A proportion with its 95% Wilson score interval');
/** A proportion with its 95% Wilson score interval. */
export type Rate = z.infer<typeof rateSchema>;

export const meanSchema = z
  .object({ n: z.number().int(), mean: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() })
  .describe('A mean with its 95% normal-approximation interval');
/** A mean with its 95% normal-approximation interval. */
export type Mean = z.infer<typeof meanSchema>;

const VARIANTS = ['baseline', 'candidate'] as const;

/** One variant of a canary compared: parse failures, low confidence, human agreement, cost and latency per call. */
export const variantStatsSchema = z.object({
  variant: z.enum(VARIANTS),
  promptVersion: z.string(),
  model: z.string(),
  calls: z.number().int(),
  parseFailure: rateSchema,
  lowConfidence: rateSchema,
  humanAgreement: rateSchema,
  costPerCallUsd: meanSchema,
  latencyMs: meanSchema,
});
export type VariantStats = z.infer<typeof variantStatsSchema>;

/** The newest canary and its two variants compared since it started. */
export interface CanaryReport {
  canary: CanaryRow;
  baseline: VariantStats;
  candidate: VariantStats;
}

/** What the database counted during the canary: each variant's calls and human decisions. */
export interface CanaryCounts {
  calls: readonly VariantCallCounts[];
  agreement: readonly VariantAgreementCounts[];
}

const Z = 1.96;

/** The Wilson score interval (src/reports/accuracy/wilson.ts says why Wilson), at the canary report's z of 1.96. */
export function wilson(count: number, total: number): Rate {
  const interval = wilsonInterval(count, total, Z);
  if (!interval) return { count, total, rate: null, low: null, high: null };
  return { count, total, rate: count / total, low: interval.low, high: interval.high };
}

/** A mean with its normal-approximation interval; no interval from a single value. */
export function meanInterval(n: number, mean: number | null, stddev: number | null): Mean {
  if (n === 0 || mean === null) return { n, mean: null, low: null, high: null };
  const half = n > 1 && stddev !== null ? (Z * stddev) / Math.sqrt(n) : 0;
  return { n, mean, low: mean - half, high: mean + half };
}

/**
 * The report of `canary` from its counts: for each variant, the parse-failure rate (among answered calls), the
 * low-confidence rate (among valid answers), human agreement with the model's suggestion, cost and latency per call.
 */
export function buildCanaryReport(canary: CanaryRow, counts: CanaryCounts): CanaryReport {
  const stats = (variant: 'baseline' | 'candidate'): VariantStats => {
    const r = counts.calls.find((x) => x.variant === variant);
    const a = counts.agreement.find((x) => x.variant === variant);
    return {
      variant,
      promptVersion: canary[variant].promptVersion,
      model: canary[variant].model,
      calls: r?.calls ?? 0,
      parseFailure: wilson(r?.parseFailed ?? 0, r?.answered ?? 0),
      lowConfidence: wilson(r?.lowConfidence ?? 0, r?.valid ?? 0),
      humanAgreement: wilson(a?.agreed ?? 0, a?.decided ?? 0),
      costPerCallUsd: meanInterval(r?.costN ?? 0, r?.costMean ?? null, r?.costSd ?? null),
      latencyMs: meanInterval(r?.calls ?? 0, r?.latencyMean ?? null, r?.latencySd ?? null),
    };
  };
  return { canary, baseline: stats('baseline'), candidate: stats('candidate') };
}

/** The newest canary's report, its variants compared since it started; not found when no canary ever ran. */
export async function getCanaryReport(deps: Pick<ServiceDeps, 'pool' | 'config'>): Promise<CanaryReport> {
  const canary = await latestCanary(deps.pool);
  if (!canary) {
    throw new NotFoundError(
      'no canary has run: start one with `docket canary start`, POST /v1/canary or DOCKET_CANARY',
    );
  }
  const window = { since: canary.startedAt, until: canary.endedAt ?? new Date() };
  const calls = await variantCallCounts(deps.pool, window, deps.config.llm.confidenceThreshold);
  const agreement = await variantAgreementCounts(deps.pool, canary.startedAt);
  return buildCanaryReport(canary, { calls, agreement });
}

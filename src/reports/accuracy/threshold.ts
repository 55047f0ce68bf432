import { z } from 'zod';
import { groupBy, isCorrect, sampleWeight, type CheckedAnswer } from './checked-answers.js';
import { weightedProportion, Z_95 } from './wilson.js';

/** The accuracy a suggested threshold aims for unless told otherwise (`docket calibrate --target`). */
export const DEFAULT_ACCURACY_TARGET = 0.97;

/** How many documents of a taxonomy the model answered with a given confidence (rounded to 0.01). */
export interface ConfidenceCount {
  taxonomy: string;
  confidence: number;
  count: number;
}

/** Why there is, or is not, a suggestion. */
export const THRESHOLD_STATUSES = ['suggested', 'not_enough_data', 'target_not_met'] as const;
export type ThresholdStatus = (typeof THRESHOLD_STATUSES)[number];

/** The confidence threshold a taxonomy would need for its auto-accepted answers to meet a target accuracy. */
export const thresholdSuggestionSchema = z.object({
  taxonomy: z.string(),
  target: z.number().describe('The accuracy aimed for.'),
  status: z.enum(THRESHOLD_STATUSES),
  reason: z.string().nullable().describe('Why, in words, when there is no suggestion.'),
  threshold: z
    .number()
    .nullable()
    .describe("The lowest confidence whose accepted answers' accuracy is at least `target` at 95% confidence."),
  accuracy: z.number().nullable().describe('The estimated accuracy of the answers it would accept.'),
  accuracyLow: z.number().nullable().describe('Its 95% Wilson interval.'),
  accuracyHigh: z.number().nullable(),
  autoAcceptShare: z
    .number()
    .nullable()
    .describe("The share of the taxonomy's answered documents it would accept without a person."),
  sample: z.number().describe('Checked answers of the taxonomy: audits and reviews.'),
  audits: z.number(),
  minimumSample: z.number().describe('The fewest checked answers that could ever show the target.'),
});
export type ThresholdSuggestion = z.infer<typeof thresholdSuggestionSchema>;

/**
 * The fewest checked answers that could show an accuracy of `target` at 95% confidence: even with every answer
 * right, Wilson's lower bound n / (n + z²) reaches `target` only from n = z² · target / (1 − target): 125 answers for
 * 0.97, 381 for 0.99. Below it, "not enough data" is the honest answer, whatever the answers say.
 */
export function minimumSample(target: number, z: number = Z_95): number {
  return Math.ceil((z * z * target) / (1 - target));
}

/**
 * The suggested confidence threshold of each taxonomy for a `target` accuracy of the answers it would accept, from
 * the checked answers (`CheckedAnswer`) and the confidences of every answered document (`population`, for the share
 * it would accept). A suggestion, never applied by itself: changing DOCKET_CONFIDENCE_THRESHOLD stays a person's
 * deliberate, recorded change.
 */
export function suggestThresholds(
  checked: readonly CheckedAnswer[],
  population: readonly ConfidenceCount[],
  target: number = DEFAULT_ACCURACY_TARGET,
): ThresholdSuggestion[] {
  const taxonomies = new Set([...checked.map((a) => a.taxonomy), ...population.map((c) => c.taxonomy)]);
  const checkedBy = new Map(groupBy(checked, (a) => a.taxonomy));
  return [...taxonomies].sort().map((taxonomy) =>
    suggestThreshold(
      taxonomy,
      checkedBy.get(taxonomy) ?? [],
      population.filter((c) => c.taxonomy === taxonomy),
      target,
    ),
  );
}

/**
 * One taxonomy's suggestion: the lowest candidate threshold t (each stated confidence among the checked answers)
 * whose accepted answers, those with confidence ≥ t, have a 95% Wilson lower bound of accuracy at or above `target`.
 *
 * The lower bound rather than the point estimate: a threshold is a promise about every answer accepted from now on,
 * and the point estimate would pick a threshold that falls short of the target about half the time when the true
 * accuracy sits at it; the lower bound falls short at most about 2.5% of the time, for the price of a few more
 * reviews.
 *
 * The accepted answers above the current threshold are known only through audits, those below it only through
 * low-confidence reviews: each sample covers one side, so they are combined stratified by how each was drawn, an
 * audit weighing 1 / its rate and a review 1 (`sampleWeight`). Unweighted, the reviews (a census of the low side)
 * would swamp the audits (a 2% sample of the high side) and pull every candidate's accuracy down. Without any audit
 * the high side is unseen and no estimate is honest: "not enough data".
 */
export function suggestThreshold(
  taxonomy: string,
  checked: readonly CheckedAnswer[],
  population: readonly ConfidenceCount[],
  target: number = DEFAULT_ACCURACY_TARGET,
): ThresholdSuggestion {
  if (!(target > 0 && target < 1)) throw new RangeError(`the target accuracy must be between 0 and 1, got ${target}`);
  const sample = { sample: checked.length, audits: checked.filter((a) => a.source === 'audit').length };
  const minimum = minimumSample(target);
  const short = notEnoughData(sample.sample, sample.audits, minimum);
  const outcome = short
    ? { ...NO_THRESHOLD, status: 'not_enough_data' as const, reason: short }
    : lowestMeetingTarget(checked, population, target);
  return { taxonomy, target, ...outcome, ...sample, minimumSample: minimum };
}

type Outcome = Omit<ThresholdSuggestion, 'taxonomy' | 'target' | 'sample' | 'audits' | 'minimumSample'>;
const NO_THRESHOLD = { threshold: null, accuracy: null, accuracyLow: null, accuracyHigh: null, autoAcceptShare: null };

/** The first candidate, lowest first, whose accepted answers' Wilson lower bound reaches `target`. */
function lowestMeetingTarget(
  checked: readonly CheckedAnswer[],
  population: readonly ConfidenceCount[],
  target: number,
): Outcome {
  for (const threshold of [...new Set(checked.map((a) => a.confidence))].sort((a, b) => a - b)) {
    const accepted = checked.filter((a) => a.confidence >= threshold);
    const share = weightedProportion(accepted.map((a) => ({ hit: isCorrect(a), weight: sampleWeight(a) })));
    if (share.interval && share.interval.low >= target) {
      return {
        status: 'suggested',
        reason: null,
        threshold,
        accuracy: share.estimate,
        accuracyLow: share.interval.low,
        accuracyHigh: share.interval.high,
        autoAcceptShare: acceptedShare(population, threshold),
      };
    }
  }
  return {
    status: 'target_not_met',
    reason: `no threshold's accepted answers reach ${target} at 95% confidence; keep reviewing, or improve the prompt or model`,
    ...NO_THRESHOLD,
  };
}

function notEnoughData(sample: number, audits: number, minimum: number): string | null {
  if (sample < minimum) return `${sample} checked answers; at least ${minimum} are needed to show the target`;
  if (audits === 0) return 'no audits: the answers accepted without a person are unseen (set DOCKET_AUDIT_RATE)';
  return null;
}

/** The share of answered documents with a confidence of `threshold` or more; null when none is known. */
function acceptedShare(population: readonly ConfidenceCount[], threshold: number): number | null {
  const total = population.reduce((sum, c) => sum + c.count, 0);
  if (total === 0) return null;
  // Confidences are counted rounded to 0.01: compare on the same grid.
  const at = Math.round(threshold * 100);
  return population.filter((c) => Math.round(c.confidence * 100) >= at).reduce((sum, c) => sum + c.count, 0) / total;
}

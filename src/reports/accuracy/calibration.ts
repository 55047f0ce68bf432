import { z } from 'zod';
import { isCorrect, sampleWeight, type CheckedAnswer } from './checked-answers.js';
import { weightedProportion } from './wilson.js';

/** Width of a reliability bucket of stated confidence. */
export const RELIABILITY_BUCKET_WIDTH = 0.1;

/** Answers stated with a confidence in [low, high) (the last bucket includes 1), against how often they were right. */
export const reliabilityBucketSchema = z.object({
  low: z.number(),
  high: z.number(),
  answers: z.number().describe('Checked answers in the bucket: the sample size.'),
  correct: z.number().describe('Of those, how many were right.'),
  meanConfidence: z.number().describe('The mean stated confidence of the answers the bucket stands for.'),
  accuracy: z.number().describe('The share of them that are right (weighted by how each was sampled).'),
  accuracyLow: z.number().nullable().describe('Its 95% Wilson interval, over the effective sample size.'),
  accuracyHigh: z.number().nullable(),
});
export type ReliabilityBucket = z.infer<typeof reliabilityBucketSchema>;

/** The reliability table of stated confidence against observed accuracy, and its expected calibration error. */
export const reliabilitySchema = z.object({
  buckets: z.array(reliabilityBucketSchema).describe('The buckets that hold answers, lowest first.'),
  answers: z.number(),
  expectedCalibrationError: z
    .number()
    .nullable()
    .describe(
      "Σ over buckets of the bucket's share of all answers × |accuracy − mean confidence|: 0 is a calibrated model.",
    ),
});
export type Reliability = z.infer<typeof reliabilitySchema>;

const bucketOf = (confidence: number, width: number) =>
  Math.min(Math.floor(confidence / width + 1e-9), Math.round(1 / width) - 1);

/**
 * The reliability table of `checked` answers (audits and reviews alike): for each bucket of stated confidence, the
 * share of the answers it stands for that were right. Each answer weighs as many answers as it stands for (an audit
 * 1 / its rate, a review 1, see `CheckedAnswer`), so that buckets straddling the confidence threshold mix the two
 * samples in the proportions of the population, and the calibration error is that of the answers Docket sees, not of
 * the ones people happened to check. A bucket's interval is Wilson's over its effective sample size.
 */
export function reliabilityTable(
  checked: readonly CheckedAnswer[],
  width: number = RELIABILITY_BUCKET_WIDTH,
): Reliability {
  const buckets = new Map<number, CheckedAnswer[]>();
  for (const answer of checked) {
    const index = bucketOf(answer.confidence, width);
    const bucket = buckets.get(index);
    if (bucket) bucket.push(answer);
    else buckets.set(index, [answer]);
  }
  const totalWeight = checked.reduce((sum, a) => sum + sampleWeight(a), 0);
  let ece = 0;
  const rows = [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, answers]): ReliabilityBucket => {
      const weight = answers.reduce((sum, a) => sum + sampleWeight(a), 0);
      const meanConfidence = answers.reduce((sum, a) => sum + sampleWeight(a) * a.confidence, 0) / weight;
      const share = weightedProportion(answers.map((a) => ({ hit: isCorrect(a), weight: sampleWeight(a) })));
      const accuracy = share.estimate ?? 0;
      ece += (weight / totalWeight) * Math.abs(accuracy - meanConfidence);
      return {
        low: round(index * width),
        high: round((index + 1) * width),
        answers: share.n,
        correct: share.successes,
        meanConfidence,
        accuracy,
        accuracyLow: share.interval?.low ?? null,
        accuracyHigh: share.interval?.high ?? null,
      };
    });
  return { buckets: rows, answers: checked.length, expectedCalibrationError: checked.length > 0 ? ece : null };
}

/** Bucket bounds as decimals (0.30000000000000004 reads 0.3). */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

import { z } from 'zod';
import { groupBy, isCorrect, sampleWeight, type CheckedAnswer } from './checked-answers.js';
import { weightedProportion } from './wilson.js';

/** The accuracy of one group of auto-accepted answers, estimated from its audits. */
export const accuracyRowSchema = z.object({
  key: z.string().describe('The group: `all`, a category the model answered, a prompt version or a model.'),
  audited: z.number().describe('Audited answers: the sample size.'),
  correct: z.number().describe('Of those, how many the auditor confirmed.'),
  accuracy: z
    .number()
    .nullable()
    .describe("The estimated share of the group's auto-accepted answers that are right; null without audits."),
  low: z.number().nullable().describe('The 95% Wilson interval of that share.'),
  high: z.number().nullable(),
});
export type AccuracyRow = z.infer<typeof accuracyRowSchema>;

/** Accuracy of auto-accepted answers, overall and by answered category, prompt version and model. */
export const accuracyEstimateSchema = z.object({
  overall: accuracyRowSchema,
  byCategory: z.array(accuracyRowSchema).describe("By the model's category: the precision of each."),
  byPromptVersion: z.array(accuracyRowSchema),
  byModel: z.array(accuracyRowSchema),
});
export type AccuracyEstimate = z.infer<typeof accuracyEstimateSchema>;

function accuracyRow(key: string, audits: readonly CheckedAnswer[]): AccuracyRow {
  const share = weightedProportion(audits.map((a) => ({ hit: isCorrect(a), weight: sampleWeight(a) })));
  return {
    key,
    audited: share.n,
    correct: share.successes,
    accuracy: share.estimate,
    low: share.interval?.low ?? null,
    high: share.interval?.high ?? null,
  };
}

/**
 * How often the answers Docket accepted without a person are right, from the audits among `checked` (reviews are
 * left out: they are answers Docket did not accept). The estimate is unbiased because the audited answers are a
 * deterministic hash share of ALL confident, auto-accepted results, drawn from the document id alone and not from
 * anything the answer says. While the audit rate never changed, every audit weighs the same and the estimate is the
 * plain share of confirmed audits; across a change of rate, each audit counts 1 / its rate, and the interval uses the
 * effective sample size. By category of the model's answer, the rows estimate precision: of the answers saying X, how
 * many are X.
 */
export function estimateAccuracy(checked: readonly CheckedAnswer[]): AccuracyEstimate {
  const audits = checked.filter((a) => a.source === 'audit');
  const by = (key: (a: CheckedAnswer) => string) =>
    groupBy(audits, key).map(([value, group]) => accuracyRow(value, group));
  return {
    overall: accuracyRow('all', audits),
    byCategory: by((a) => a.answered),
    byPromptVersion: by((a) => a.promptVersion),
    byModel: by((a) => a.model),
  };
}

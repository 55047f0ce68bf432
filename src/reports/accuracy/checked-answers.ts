/**
 * A model's answer that a person checked: the statistics of accuracy and calibration treat the person's decision as
 * the truth. Answers reach people in two ways, and each way is a different sample of all answers:
 *
 * - `review`: every valid answer below the confidence threshold goes to review (low confidence), as does every answer
 *   that a policy sends there (suspicious instructions): within its stratum the sample is the whole population,
 *   weight 1;
 * - `audit`: of the answers accepted without a person, a share `auditRate` chosen by a hash of the document id
 *   (`isAudited`, src/shared/audit.ts), independent of the answer itself: each audited answer stands for 1 / auditRate
 *   accepted answers.
 *
 * Weighting each answer by the inverse of its chance of being checked (Horvitz–Thompson) turns the two samples into
 * one unbiased picture of all answers. Counting them unweighted would not: low-confidence reviews see only answers
 * below the threshold, which are wrong more often, and at a 2% audit rate they would outnumber the audits of the
 * far larger, mostly right, population above it.
 */
export interface CheckedAnswer {
  documentId: string;
  taxonomy: string;
  model: string;
  promptVersion: string;
  /** The model's category. */
  answered: string;
  /** The model's stated confidence. */
  confidence: number;
  /** The person's category. */
  decided: string;
  source: 'audit' | 'review';
  /** The audit rate in force when the document was drawn (audits only). */
  auditRate?: number | null;
}

/** How many answers one checked answer stands for: 1 / auditRate for an audit, 1 for a review. */
export function sampleWeight(answer: CheckedAnswer): number {
  if (answer.source !== 'audit') return 1;
  const rate = answer.auditRate ?? 0;
  return rate > 0 && rate <= 1 ? 1 / rate : 1;
}

/** Whether the model was right, by the person's decision. */
export const isCorrect = (answer: CheckedAnswer): boolean => answer.answered === answer.decided;

/** The values of `key` in byte order, each with the items that have it. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

import { z } from 'zod';
import {
  cohensKappa,
  reviewerAgreementSchema,
  reviewerThroughput,
  throughputSchema,
  type DecisionTiming,
} from '../accuracy/index.js';

export const reviewersSectionSchema = throughputSchema.extend({
  agreement: reviewerAgreementSchema.describe('Between the first and the second review of double-reviewed documents.'),
  notes: z.array(z.string()).describe("How to read this section's figures."),
});
export type ReviewersSection = z.infer<typeof reviewersSectionSchema>;

const NOTES = [
  'rates count active days and hours only (those with a decision); the time to decide runs from when the document ' +
    'began waiting to the decision, queue time included',
];

/** Reviewer throughput and agreement between reviewers in the window; undefined when nobody decided anything. */
export function reviewersSection(
  timings: readonly DecisionTiming[],
  doubleReviews: ReadonlyArray<readonly [string, string]>,
): ReviewersSection | undefined {
  if (timings.length === 0) return undefined;
  return { ...reviewerThroughput(timings), agreement: cohensKappa(doubleReviews), notes: NOTES };
}

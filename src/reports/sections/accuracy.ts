import { z } from 'zod';
import { accuracyEstimateSchema, estimateAccuracy, type CheckedAnswer } from '../accuracy/index.js';

export const accuracySectionSchema = accuracyEstimateSchema.extend({
  notes: z.array(z.string()).describe("How to read this section's figures."),
});
export type AccuracySection = z.infer<typeof accuracySectionSchema>;

const NOTES = [
  'audits are a share (DOCKET_AUDIT_RATE) of every confident, auto-accepted result, drawn by a hash of the document ' +
    'id alone, so their accuracy is an unbiased estimate of the accuracy of all auto-accepted results',
  'intervals are 95% Wilson score intervals; by category, a row is the share of the answers in that category that ' +
    'were right (its precision)',
];

/** The accuracy of auto-accepted results estimated from the window's audits; undefined when there were none. */
export function accuracySection(checked: readonly CheckedAnswer[]): AccuracySection | undefined {
  const estimate = estimateAccuracy(checked);
  return estimate.overall.audited > 0 ? { ...estimate, notes: NOTES } : undefined;
}

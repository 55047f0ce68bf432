import { z } from 'zod';
import {
  DEFAULT_ACCURACY_TARGET,
  minimumSample,
  reliabilitySchema,
  reliabilityTable,
  suggestThresholds,
  thresholdSuggestionSchema,
  type CheckedAnswer,
  type ConfidenceCount,
} from '../accuracy/index.js';

export const calibrationSectionSchema = z.object({
  target: z.number().describe('The accuracy the suggested thresholds aim for.'),
  reliability: reliabilitySchema.describe('Stated confidence against observed accuracy, over every checked answer.'),
  thresholds: z.array(thresholdSuggestionSchema).describe('One suggestion per taxonomy.'),
  notes: z.array(z.string()).describe("How to read this section's figures."),
});
export type CalibrationSection = z.infer<typeof calibrationSectionSchema>;

const notes = (target: number) => [
  'checked answers are audits (each standing for 1 / the audit rate of the results accepted without a person) and ' +
    'reviews (every answer below the threshold), weighted by how each was drawn: the reviews alone see only the ' +
    'answers below the threshold, the audits only those above it',
  `a threshold is suggested when the answers it would accept reach ${target} accuracy at 95% confidence (the Wilson ` +
    `lower bound), which takes at least ${minimumSample(target)} checked answers; it is never applied by itself: ` +
    'set DOCKET_CONFIDENCE_THRESHOLD to apply it',
];

/**
 * The reliability table and a suggested threshold per taxonomy, from the window's checked answers and the confidence
 * of every answered document; undefined when nothing was checked.
 */
export function calibrationSection(
  checked: readonly CheckedAnswer[],
  confidenceCounts: readonly ConfidenceCount[],
  target: number = DEFAULT_ACCURACY_TARGET,
): CalibrationSection | undefined {
  if (checked.length === 0) return undefined;
  return {
    target,
    reliability: reliabilityTable(checked),
    thresholds: suggestThresholds(checked, confidenceCounts, target),
    notes: notes(target),
  };
}

import { z } from 'zod';
import { accuracySectionSchema } from './sections/accuracy.js';
import { modesSectionSchema } from './sections/modes.js';
import { calibrationSectionSchema } from './sections/calibration.js';
import { callsSectionSchema } from './sections/calls.js';
import { costSectionSchema } from './sections/cost.js';
import { documentsSectionSchema } from './sections/documents.js';
import { errorsSectionSchema } from './sections/errors.js';
import { finishReasonsSectionSchema } from './sections/finish-reasons.js';
import { latencySectionSchema } from './sections/latency.js';
import { parseSectionSchema } from './sections/parse.js';
import { providerSectionSchema } from './sections/provider.js';
import { reviewSectionSchema } from './sections/review.js';
import { reviewersSectionSchema } from './sections/reviewers.js';
import { tokensSectionSchema } from './sections/tokens.js';
import { reportWarningSchema } from './warnings.js';

/**
 * The cost and quality report, as GET /v1/report answers it in JSON: every section computed from the database, keys
 * in the order they are written. The one declaration of the report's shape: `Report` and the OpenAPI response derive
 * from it.
 */
export const reportSchema = z.object({
  provider: providerSectionSchema.optional().describe('Absent when the database has no provider state yet.'),
  simulated: z
    .literal(true)
    .optional()
    .describe("Present and true when the calls were answered by Docket's simulator, not a model."),
  generatedAt: z.string().describe('ISO 8601.'),
  window: z.object({ since: z.string().nullable(), until: z.string().nullable() }),
  documents: documentsSectionSchema,
  calls: callsSectionSchema,
  cost: costSectionSchema,
  tokens: tokensSectionSchema,
  latency: latencySectionSchema,
  finishReasons: finishReasonsSectionSchema,
  parse: parseSectionSchema,
  errors: errorsSectionSchema,
  review: reviewSectionSchema,
  modes: modesSectionSchema
    .optional()
    .describe('Spend, savings and the wait for an answer by mode. Present when the window has Batch API calls.'),
  accuracy: accuracySectionSchema
    .optional()
    .describe('The accuracy of auto-accepted results, from audits. Present when the window has audits.'),
  calibration: calibrationSectionSchema
    .optional()
    .describe('Reliability of stated confidence and suggested thresholds. Present when review decisions are recorded.'),
  reviewers: reviewersSectionSchema
    .optional()
    .describe('Reviewer throughput and agreement. Present when review decisions are recorded.'),
  warnings: z.array(reportWarningSchema).describe("Every section's warnings, in section order."),
});
export type Report = z.infer<typeof reportSchema>;

import { z } from 'zod';
import { agreementReportSchema, type AgreementReport } from '../agreement.js';
import type { CountRow, DecisionCountsRow } from '../rows.js';
import { ratio, shareRowSchema, shareRows } from './shares.js';

export const reviewSectionSchema = z.object({
  classified: z.number().describe('Classifications decided in the window.'),
  decidedByModel: z.number(),
  decidedByHuman: z.number(),
  unreviewed: z.number().describe("The model's suggestion stored after nobody reviewed it in time."),
  reviewRate: z
    .number()
    .nullable()
    .describe('(decidedByHuman + unreviewed) / classified: the share that needed a person.'),
  byReason: z.array(shareRowSchema).describe('Human decisions by the reason the document went to review.'),
  agreement: agreementReportSchema.describe(
    'How often people chose what the model suggested (decisions since `since`).',
  ),
  notes: z.array(z.string()).describe("Caveats about this section's figures."),
});
export type ReviewSection = z.infer<typeof reviewSectionSchema>;

/** What the caveats of the review section depend on. */
export interface ReviewContext {
  /** The window has an end, which agreement does not honour. */
  windowEnds: boolean;
  /** The calls were answered by Docket's simulator. */
  simulated: boolean;
}

const OPEN_DOCUMENTS_NOTE =
  'documents still waiting for a person are not in the database until decided; they count as open documents';
const AGREEMENT_TO_NOW_NOTE = 'human agreement counts decisions up to now: the window end does not apply to it';
const SIMULATED_NOTE =
  "simulated: the calls were answered by Docket's simulator, not a model; costs are what a model would charge, " +
  'and warnings about prompt caching and latency, which only a real provider can show, are left out';

/** Who decided the window's classifications, why people were asked, how often they agreed, and the caveats. */
export function reviewSection(
  decisions: DecisionCountsRow,
  reasons: CountRow[],
  agreement: AgreementReport,
  context: ReviewContext,
): ReviewSection {
  return {
    classified: decisions.classified,
    decidedByModel: decisions.model,
    decidedByHuman: decisions.human,
    unreviewed: decisions.unreviewed,
    reviewRate: ratio(decisions.human + decisions.unreviewed, decisions.classified),
    byReason: shareRows(reasons),
    agreement,
    notes: [
      ...(context.simulated ? [SIMULATED_NOTE] : []),
      OPEN_DOCUMENTS_NOTE,
      ...(context.windowEnds ? [AGREEMENT_TO_NOW_NOTE] : []),
    ],
  };
}

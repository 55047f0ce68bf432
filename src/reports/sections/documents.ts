import { z } from 'zod';
import type { DocumentCountsRow } from '../rows.js';

export const documentsSectionSchema = z.object({
  total: z.number().describe('Documents created in the window.'),
  completed: z.number().describe('Of those, documents with a stored classification.'),
  // The database cannot tell the open states apart (the workflow holds the live status), so they count together.
  open: z.number().describe('The rest: classifying, waiting for review, paused or failed.'),
  decidedBy: z.object({ model: z.number(), human: z.number(), unreviewed: z.number() }),
});
export type DocumentsSection = z.infer<typeof documentsSectionSchema>;

/** The documents created in the window: how many are completed, how many open, and who decided them. */
export function documentsSection(row: DocumentCountsRow): DocumentsSection {
  return {
    total: row.total,
    completed: row.completed,
    open: row.total - row.completed,
    decidedBy: { model: row.model, human: row.human, unreviewed: row.unreviewed },
  };
}

import { z } from '@hono/zod-openapi';
import type { ReclassifyReport, ReclassifyStarted } from '../../documents/reclassify.js';
import { strictObject } from '../../validation/strict-object.js';
import { queryDate } from '../validation.js';
import { assertSameType } from './same-type.js';

// The JSON of the reclassify routes; the service (src/documents/reclassify.ts) owns the types they answer with, and
// the checks below stop the build when they part ways.

const criterion = (what: string) => z.string().min(1, `${what} is empty: give one or leave it out`).max(200);

/** Which documents to run again: every criterion given must hold, and at least one is given. */
export const reclassifySelectionSchema = strictObject({
  batchId: criterion('batchId').optional().openapi({ description: 'Documents of this batch' }),
  category: criterion('category')
    .optional()
    .openapi({ description: 'Documents whose current result is this category' }),
  since: queryDate.openapi({ description: 'Documents submitted at or after this time: ISO date or relative (7d)' }),
  until: queryDate.openapi({ description: 'Documents submitted before this time' }),
  promptVersion: criterion('promptVersion')
    .optional()
    .openapi({ description: 'Documents whose current result this prompt version decided' }),
}).openapi('ReclassifySelection');

/** Body of `POST /v1/reclassify`. */
export const reclassifyRequestSchema = strictObject({ selection: reclassifySelectionSchema }).openapi('Reclassify');

/** `202` answer of `POST /v1/reclassify`. */
export const reclassifyStartedSchema = z
  .object({
    reclassifyId: z.string(),
    documents: z.number().int().openapi({ description: 'Documents selected, each run again by its own workflow' }),
  })
  .openapi('ReclassifyStarted');
assertSameType<z.infer<typeof reclassifyStartedSchema>, ReclassifyStarted>();

/** `GET /v1/reclassify/:id`: progress and the documents that changed category. */
export const reclassifyReportSchema = z
  .object({
    reclassifyId: z.string(),
    selection: z.record(z.string(), z.unknown()),
    requestedBy: z.string(),
    createdAt: z.string(),
    total: z.number().int(),
    finished: z.number().int().openapi({ description: 'Documents whose new result is stored' }),
    running: z.number().int().openapi({ description: 'Documents still running, or waiting for a person' }),
    unchanged: z.number().int().openapi({ description: 'New results with the category the document had' }),
    changed: z
      .array(
        z.object({
          id: z.string(),
          from: z.string(),
          to: z.string(),
          decidedBy: z.enum(['model', 'human']),
          applied: z.boolean().openapi({
            description:
              'False when a person’s decision is kept as the current result: the new answer is stored beside it',
          }),
        }),
      )
      .openapi({ description: 'Documents whose new result has another category: from → to' }),
  })
  .openapi('ReclassifyReport');
assertSameType<z.infer<typeof reclassifyReportSchema>, ReclassifyReport>();

import { z } from 'zod';
import { EXTRACTION_METHOD, UNREADABLE_REASON } from '../shared/extraction.js';
import { documentResultSchema } from '../shared/result.js';
import { DOCUMENT_STATUSES } from '../shared/status.js';

// The shapes the document services answer with. Their TypeScript types are inferred from them, the API's OpenAPI
// document shows them (the `id` names its component), and the typed client is generated from that document.

const EXTRACTION_METHODS = Object.values(EXTRACTION_METHOD);
const UNREADABLE_REASONS = Object.values(UNREADABLE_REASON);

/** A document's status, as DESIGN.md §5 names it. */
export const statusSchema = z.enum(DOCUMENT_STATUSES);

const stageSchema = z
  .string()
  .optional()
  .meta({
    description:
      '`queued`: accepted, its workflow not started yet (Temporal was unavailable); a worker starts it. ' +
      '`workflow_missing`: no result and its workflow no longer exists',
  });

/** The model's answer that a person is asked to confirm or overrule. */
export const suggestionSchema = documentResultSchema.pick({ category: true, confidence: true, reasoning: true });

/** A document's stored result as the API shows it: what was decided, by whom, with which model and prompt. */
export const resultSchema = documentResultSchema
  .pick({
    category: true,
    confidence: true,
    reasoning: true,
    decidedBy: true,
    reviewer: true,
    note: true,
    unreviewed: true,
    model: true,
    promptVersion: true,
    suspiciousInstructions: true,
    longDocument: true,
  })
  .meta({ id: 'Result' });

/** A version of a document's result other than the current one (results are versioned, never overwritten). */
export const resultVersionSchema = resultSchema
  .extend({
    version: z.number().int().meta({ description: 'Its version: 1 for the first result, then one more each time' }),
    decidedAt: z.string().meta({ description: 'When it was stored, ISO 8601' }),
  })
  .meta({ id: 'ResultVersion' });

/** A file document's file as stored: never its bytes (`GET /v1/documents/{id}/file` serves them). */
export const documentFileSchema = z
  .object({
    name: z.string().optional().meta({ description: 'The file name it was submitted with, if any' }),
    mediaType: z.string().meta({ description: 'The type detected from its content, e.g. `application/pdf`' }),
    bytes: z.number().int().meta({ description: 'Its size in bytes' }),
    contentHash: z
      .string()
      .meta({ description: 'SHA-256 of its bytes, hex: the same file again is the same document' }),
  })
  .meta({ id: 'DocumentFile' });

/** A file document's extraction as stored: how its text was obtained, or why it could not be. */
export const documentExtractionSchema = z
  .object({
    outcome: z.enum(['extracted', 'unreadable']),
    unreadableReason: z
      .enum(UNREADABLE_REASONS)
      .optional()
      .meta({ description: 'Why the file cannot be read, when `outcome` is `unreadable`' }),
    method: z
      .enum(EXTRACTION_METHODS)
      .optional()
      .meta({ description: 'How the text was obtained; absent when the file could not be opened at all' }),
    extractor: z.string().optional().meta({ description: '`<package>@<version>` of what read the file' }),
    pages: z.number().int().optional().meta({ description: 'Pages in the file (PDF)' }),
    chars: z.number().int().meta({ description: 'Characters of the extracted text' }),
    images: z.number().int().meta({
      description: 'Page images stored (scanned pages, photos): `GET /v1/documents/{id}/pages/{n}` serves the n-th',
    }),
  })
  .meta({ id: 'DocumentExtraction' });

/** `GET /v1/documents/:id`: the stored result, or the workflow's live state. */
export const documentViewSchema = z
  .object({
    id: z.string(),
    status: statusSchema,
    stage: stageSchema,
    taxonomy: z.string(),
    result: resultSchema.optional(),
    history: z
      .array(resultVersionSchema)
      .optional()
      .meta({
        description:
          'The other versions of the result, oldest first: earlier results (a reclassification, an audit that corrected ' +
          'one) and model answers kept beside a person’s decision, which they never replace. Absent when there are none',
      }),
    review: z
      .object({
        reason: z.string(),
        suggestion: suggestionSchema.optional(),
        suspiciousInstructions: documentResultSchema.shape.suspiciousInstructions,
      })
      .optional(),
    pause: z.object({ reason: z.string(), lastError: z.string().optional() }).optional(),
    file: documentFileSchema.optional().meta({ description: 'Set for a document submitted as a file' }),
    extraction: documentExtractionSchema.optional().meta({ description: "A file document's extraction, once it ran" }),
    calls: z.number().int(),
    costUsd: z.number(),
    workflowUrl: z.string(),
  })
  .meta({ id: 'Document' });

/** `202` answer of `POST /v1/documents`. */
export const acceptedSchema = z
  .object({ id: z.string(), status: statusSchema, stage: stageSchema })
  .meta({ id: 'Accepted' });

/** `202` answer of `POST /v1/batches`: the batch id, and each document's id in request order. */
export const batchAcceptedSchema = z
  .object({
    batchId: z.string(),
    documents: z.number().int(),
    ids: z.array(z.string()).meta({ description: 'The id of each document, in request order' }),
    queued: z
      .boolean()
      .optional()
      .meta({ description: 'Temporal was unavailable: the batch is stored and a worker will start it' }),
  })
  .meta({ id: 'BatchAccepted' });

/** `GET /v1/batches/:id`: counts per status and cost so far. */
export const batchViewSchema = z
  .object({
    batchId: z.string(),
    documents: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    done: z.boolean().meta({ description: 'Every document reached a resting status at least once' }),
    calls: z.number().int(),
    costUsd: z.number(),
  })
  .meta({ id: 'Batch' });

/** What cancelling a batch did. */
export const batchCancelledSchema = z
  .object({
    batchId: z.string(),
    cancelled: z.number().int().meta({ description: 'Documents still running that were asked to stop' }),
  })
  .meta({ id: 'BatchCancelled' });

/** Characters of each document sent with the review queue; the whole text is one request away when it is opened. */
export const EXCERPT_CHARS = 500;

const metadataSchema = z.record(z.string(), z.unknown()).meta({ description: 'The metadata submitted with it' });
const titleSchema = z
  .string()
  .meta({ description: 'A name for people: a file name or title from the metadata, else the id' });

/** One entry of the review queue: an excerpt of the text, not the whole (see `GET /v1/documents/:id/text`). */
export const reviewQueueItemSchema = z
  .object({
    id: z.string(),
    title: titleSchema,
    metadata: metadataSchema,
    excerpt: z.string().meta({ description: `The first ${EXCERPT_CHARS} characters of the text` }),
    textLength: z.number().int().meta({ description: 'Characters in the whole text (GET /v1/documents/{id}/text)' }),
    taxonomy: z.string(),
    categories: z.array(z.string()),
    reason: z.string(),
    suggestion: suggestionSchema.optional(),
    since: z.string(),
    workflowUrl: z.string(),
  })
  .meta({ id: 'ReviewQueueItem' });

/** One page of `GET /v1/reviews`, with the reviewer who asked. */
export const reviewQueueSchema = z
  .object({
    reviews: z.array(reviewQueueItemSchema),
    total: z.number().int().meta({ description: 'Documents waiting for review, all pages together' }),
    nextOffset: z.number().int().optional().meta({ description: 'The offset of the next page; absent on the last' }),
    reviewer: z.object({ name: z.string(), role: z.string() }).meta({ description: 'Who is signed in' }),
  })
  .meta({ id: 'ReviewQueue' });

/** `GET /v1/documents/:id/text`: a document's whole text and metadata. */
export const documentTextSchema = z
  .object({ id: z.string(), title: titleSchema, metadata: metadataSchema, text: z.string() })
  .meta({ id: 'DocumentText' });

/** `POST /v1/documents/:id/resume` and `POST /v1/resume`: the documents whose pause was cleared. */
export const resumedSchema = z.object({ resumed: z.array(z.string()) }).meta({ id: 'Resumed' });

/** `200` answer of `DELETE /v1/documents/:id`: what the erasure removed and what it kept. */
export const erasureSchema = z
  .object({
    id: z.string(),
    outcome: z.enum(['erased', 'already_erased']).meta({
      description: '`already_erased` when an earlier erasure removed the data; whatever was left is retried',
    }),
    erasedAt: z.string().meta({ description: 'When the document was (last) erased, ISO 8601' }),
    stoppedWorkflow: z.enum(['cancelled', 'terminated', 'none']).meta({
      description: 'A running classification is cancelled first (terminated if it does not close in time)',
    }),
    removed: z.object({
      documents: z.number().int(),
      results: z.number().int(),
      samples: z.number().int(),
      batchMemberships: z.number().int(),
    }),
    deletedHistories: z
      .array(z.string())
      .meta({ description: 'Temporal workflow runs deleted, as `workflowId/runId`' }),
    keptHistories: z
      .array(z.object({ workflowId: z.string(), runId: z.string(), reason: z.string() }))
      .meta({ description: 'Runs of batches still going that recorded the result; erase again once they end' }),
    ledgerCallsKept: z
      .number()
      .int()
      .meta({ description: 'Call ledger rows kept for cost and token accounting (ids and numbers, no text)' }),
  })
  .meta({ id: 'Erasure' });

export type DocumentView = z.infer<typeof documentViewSchema>;
export type ResultVersionView = z.infer<typeof resultVersionSchema>;
export type Accepted = z.infer<typeof acceptedSchema>;
export type BatchAccepted = z.infer<typeof batchAcceptedSchema>;
export type BatchView = z.infer<typeof batchViewSchema>;
export type BatchCancelled = z.infer<typeof batchCancelledSchema>;
export type ReviewQueueItem = z.infer<typeof reviewQueueItemSchema>;
export type ReviewQueuePage = z.infer<typeof reviewQueueSchema>;
export type DocumentText = z.infer<typeof documentTextSchema>;
export type Resumed = z.infer<typeof resumedSchema>;
export type Erasure = z.infer<typeof erasureSchema>;

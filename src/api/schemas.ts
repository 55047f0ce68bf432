import { z } from '@hono/zod-openapi';
import { DOCUMENT_STATUSES } from '../shared/status.js';
import { documentId, documentText, idParam, metadata, strictObject } from './validation.js';

export { idParam };

/** A taxonomy name as a request names it. */
const taxonomyName = z.string().min(1, 'taxonomy is empty: name a configured taxonomy or leave it out').max(200);

export const submitDocumentSchema = strictObject({
  id: documentId.optional().openapi({ description: 'Your id; derived from the content when omitted' }),
  text: documentText,
  metadata,
  taxonomy: taxonomyName.optional().openapi({ description: 'A configured taxonomy name; `default` when omitted' }),
}).openapi('SubmitDocument');

export const batchSchema = strictObject({
  documents: z
    .array(strictObject({ id: documentId.optional(), text: documentText, metadata }))
    .min(1, 'documents is empty: send at least one document'),
  taxonomy: taxonomyName.optional(),
}).openapi('SubmitBatch');

export const reviewSchema = strictObject({
  category: z.string().min(1, 'category is empty: name one of the taxonomy categories').max(200),
  note: z.string().max(4000, 'note is longer than 4000 characters: shorten it').optional(),
}).openapi('ReviewDecision');

export const statusSchema = z.enum(DOCUMENT_STATUSES);

const stageSchema = z
  .string()
  .optional()
  .openapi({
    description:
      '`queued`: accepted, its workflow not started yet (Temporal was unavailable); a worker starts it. ' +
      '`workflow_missing`: no result and its workflow no longer exists',
  });

export const acceptedSchema = z
  .object({ id: z.string(), status: statusSchema, stage: stageSchema })
  .openapi('Accepted');

const suspiciousSchema = z
  .array(z.string())
  .optional()
  .openapi({
    description:
      'Instructions aimed at the model found in the document: ignore_instructions, role_play, answer_directive, ' +
      'fake_turn, delimiter_spoof, prompt_extraction (docs/input-safety.md)',
  });

export const resultSchema = z
  .object({
    category: z.string(),
    confidence: z.number(),
    reasoning: z.string(),
    decidedBy: z.enum(['model', 'human']),
    reviewer: z.string().optional(),
    note: z.string().optional(),
    unreviewed: z.boolean().optional(),
    model: z.string(),
    promptVersion: z.string(),
    suspiciousInstructions: suspiciousSchema,
  })
  .openapi('Result');

export const documentViewSchema = z
  .object({
    id: z.string(),
    status: statusSchema,
    stage: stageSchema,
    taxonomy: z.string(),
    result: resultSchema.optional(),
    review: z
      .object({
        reason: z.string(),
        suggestion: z.object({ category: z.string(), confidence: z.number(), reasoning: z.string() }).optional(),
        suspiciousInstructions: suspiciousSchema,
      })
      .optional(),
    pause: z.object({ reason: z.string(), lastError: z.string().optional() }).optional(),
    calls: z.number().int(),
    costUsd: z.number(),
    workflowUrl: z.string(),
  })
  .openapi('Document');

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi('Error');

const suggestionSchema = z.object({ category: z.string(), confidence: z.number(), reasoning: z.string() });

export const reviewItemSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    taxonomy: z.string(),
    categories: z.array(z.string()),
    reason: z.string(),
    suggestion: suggestionSchema.optional(),
    since: z.string(),
    workflowUrl: z.string(),
  })
  .openapi('ReviewItem');

export const batchAcceptedSchema = z
  .object({
    batchId: z.string(),
    documents: z.number().int(),
    ids: z.array(z.string()).openapi({ description: 'The id of each document, in request order' }),
    queued: z
      .boolean()
      .optional()
      .openapi({ description: 'Temporal was unavailable: the batch is stored and a worker will start it' }),
  })
  .openapi('BatchAccepted');

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'unreachable']),
    temporal: z.enum(['ok', 'unreachable']),
    /** The LLM provider as the workers see it: the outage breaker and the rate-limit storm alert. */
    provider: z
      .object({
        breaker: z.enum(['closed', 'open']),
        openedAt: z.string().optional(),
        closedAt: z.string().optional(),
        consecutiveFailures: z.number().int(),
        nextProbeAt: z.string().optional(),
        holdUntil: z.string().optional(),
        lastSuccessAt: z.string().optional(),
        rateLimitStorm: z.object({ since: z.string(), alert: z.boolean() }).optional(),
      })
      .optional(),
    down: z
      .array(z.enum(['database', 'temporal']))
      .optional()
      .openapi({ description: 'The dependencies that did not answer within 1.5 s (absent when all did)' }),
  })
  .openapi('Health');

export const batchViewSchema = z
  .object({
    batchId: z.string(),
    documents: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    done: z.boolean().openapi({ description: 'Every document reached a resting status at least once' }),
    calls: z.number().int(),
    costUsd: z.number(),
  })
  .openapi('Batch');

import { z } from '@hono/zod-openapi';
import { DOCUMENT_STATUSES } from '../shared/status.js';

// Control characters other than tab, newline and carriage return mark binary content.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

const documentText = z
  .string()
  .refine((t) => t.trim().length > 0, { message: 'text is empty: send the document content' })
  .refine((t) => !BINARY.test(t), { message: 'text contains binary control characters: send plain UTF-8 text' })
  .openapi({ description: 'The document content (plain UTF-8 text)' });

const documentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'id may use letters, digits, ".", "_", ":" and "-" (1–128 characters)');

const metadata = z
  .record(z.string(), z.unknown())
  .optional()
  .openapi({ description: 'Free-form JSON stored beside the document' });

export const submitDocumentSchema = z
  .object({
    id: documentId.optional().openapi({ description: 'Your id; derived from the content when omitted' }),
    text: documentText,
    metadata,
    taxonomy: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'A configured taxonomy name; `default` when omitted' }),
  })
  .strict()
  .openapi('SubmitDocument');

export const batchSchema = z
  .object({
    documents: z
      .array(z.object({ id: documentId.optional(), text: documentText, metadata }).strict())
      .min(1, 'documents is empty: send at least one document'),
    taxonomy: z.string().min(1).optional(),
  })
  .strict()
  .openapi('SubmitBatch');

export const reviewSchema = z
  .object({
    category: z.string().min(1),
    note: z.string().max(4000).optional(),
  })
  .strict()
  .openapi('ReviewDecision');

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

export const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

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

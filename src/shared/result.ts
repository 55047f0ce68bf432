import { z } from 'zod';
import { LONG_DOCUMENT_STRATEGY } from './long-documents.js';
import { REVIEW_REASON } from './status.js';

/**
 * A document's stored result, declared once: `classifyDocumentWorkflow` builds it and returns it from `submitReview`
 * (workflow code imports only its type, so this schema stays out of the workflow bundle), `storeClassification`
 * writes it as it is, each field is a column of `classifications` named in snake_case (src/db/classifications.ts),
 * and the API shows a pick of it (src/documents/schemas.ts). A new field goes here, in a migration that adds its
 * column, and in the workflow line that sets it.
 */
export const documentResultSchema = z.object({
  /** A category of the document's taxonomy. */
  category: z.string(),
  /** In [0, 1]: the model's confidence, or 1 for a person's decision. */
  confidence: z.number(),
  reasoning: z.string(),
  decidedBy: z.enum(['model', 'human']),
  /** Who decided, when a person did: the reviewer's token name. */
  reviewer: z.string().optional(),
  /** The reviewer's note. */
  note: z.string().optional(),
  /** The model's suggestion was stored because nobody reviewed it in time (review timeout policy `accept`). */
  unreviewed: z
    .boolean()
    .optional()
    .meta({ description: 'Nobody reviewed it in time, so the model’s suggestion was accepted' }),
  model: z.string().meta({ description: 'The model that answered' }),
  promptVersion: z.string(),
  /** Injection signals found in the document (names from src/llm/injection.ts), when any. */
  suspiciousInstructions: z
    .array(z.string())
    .optional()
    .meta({
      description:
        'Instructions aimed at the model found in the document: ignore_instructions, role_play, answer_directive, ' +
        'fake_turn, delimiter_spoof, prompt_extraction (docs/input-safety.md)',
    }),
  /** Why the document went to review, when a person decided it. */
  reviewReason: z.enum(REVIEW_REASON).optional(),
  /** What the model suggested before the person decided. */
  suggestion: z.object({ category: z.string(), confidence: z.number() }).optional(),
  /** The prompt text's hash (with `promptVersion`). */
  promptHash: z.string().optional(),
  /** The canary variant the document was routed to, when a canary was active. */
  variant: z.enum(['baseline', 'candidate']).optional(),
  /** How a document over the model's context window was classified; absent when it fitted. */
  longDocument: z
    .object({
      strategy: z.enum(LONG_DOCUMENT_STRATEGY),
      /** Chunks classified: 1 under `first-pages`, at most DOCKET_LONG_DOCUMENTS_MAX_CHUNKS under `chunk-vote`. */
      chunks: z.number().int().min(1),
      /** Chunks the text was cut into; more than `chunks` when the rest was not read. */
      documentChunks: z.number().int().min(1),
      /** Each classified chunk's category, in order (`chunk-vote`); `""` for a chunk without a valid answer. */
      votes: z.array(z.string()).optional(),
    })
    .optional()
    .meta({ description: 'How a document too long for the model was classified (DOCKET_LONG_DOCUMENTS)' }),
});

export type DocumentResult = z.infer<typeof documentResultSchema>;

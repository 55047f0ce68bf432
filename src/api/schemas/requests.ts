import { z } from '@hono/zod-openapi';
import { DOCKET_MODES } from '../../shared/batch-api.js';
import { strictObject } from '../../validation/strict-object.js';
import { variantName } from '../../validation/variant-name.js';
import { parseMetadataText } from '../json-body.js';
import { documentId, documentText, metadata } from '../validation.js';

/** How a submission's model calls are made. */
export const submissionMode = z
  .enum(DOCKET_MODES, { error: 'mode must be "realtime" or "batch_api"' })
  .optional()
  .openapi({
    description:
      '`realtime` (chat completions now) or `batch_api` (the OpenAI Batch API: half the price, answers within 24 h); DOCKET_DEFAULT_MODE when omitted',
  });

/** A taxonomy name as a request names it. */
const taxonomyName = z.string().min(1, 'taxonomy is empty: name a configured taxonomy or leave it out').max(200);

/** Body of `POST /v1/documents`. */
export const submitDocumentSchema = strictObject({
  id: documentId.optional().openapi({ description: 'Your id; derived from the content when omitted' }),
  text: documentText,
  metadata,
  taxonomy: taxonomyName.optional().openapi({ description: 'A configured taxonomy name; `default` when omitted' }),
  mode: submissionMode,
}).openapi('SubmitDocument');

/** Body of `POST /v1/batches`. */
export const batchSchema = strictObject({
  documents: z
    .array(strictObject({ id: documentId.optional(), text: documentText, metadata }))
    .min(1, 'documents is empty: send at least one document'),
  taxonomy: taxonomyName.optional(),
  mode: submissionMode,
}).openapi('SubmitBatch');

/** Body of `POST /v1/documents/:id/review`; the reviewer is the token's name. */
export const reviewSchema = strictObject({
  category: z.string().min(1, 'category is empty: name one of the taxonomy categories').max(200),
  note: z.string().max(4000, 'note is longer than 4000 characters: shorten it').optional(),
}).openapi('ReviewDecision');

/** Documents one comparison may hold. */
export const MAX_COMPARE_DOCUMENTS = 500;

const compareSide = strictObject({
  promptVersion: variantName('promptVersion').optional(),
  model: variantName('model').optional(),
});

/** Body of `POST /v1/compare`. */
export const compareSchema = strictObject({
  documents: z
    .array(strictObject({ id: documentId.optional(), text: documentText }))
    .min(1, 'documents is empty: send at least one document')
    .max(MAX_COMPARE_DOCUMENTS, `at most ${MAX_COMPARE_DOCUMENTS} documents per comparison`),
  taxonomy: z.string().min(1).max(200).optional(),
  a: compareSide,
  b: compareSide,
}).openapi('Compare');

const FILE_MISSING =
  'file is missing or is not a file: send the document as a multipart part named "file" with a filename ' +
  '(curl -F file=@contract.pdf)';

/** One file part of a multipart body: a part with a filename, whose bytes are the document. */
const filePart = z
  .custom<File>((value) => value instanceof File, { message: FILE_MISSING })
  .openapi({ type: 'string', format: 'binary', description: 'The document: PDF, .docx, HTML, e-mail, text or image' });

/** `metadata` as a multipart field: a JSON object written as the field's text. */
const metadataField = z
  .string()
  .transform((raw, ctx) => {
    const parsed = parseMetadataText(raw);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  })
  .pipe(metadata.unwrap())
  .optional()
  .openapi({ type: 'string', description: 'A JSON object of your own fields, as the text of the field' });

/** `taxonomy` beside a file: as in a JSON body. */
const taxonomyField = taxonomyName
  .optional()
  .openapi({ description: 'A configured taxonomy name; `default` when omitted' });

/** Multipart body of `POST /v1/documents`: one file and the optional fields of a text submission. */
export const submitFileSchema = strictObject({
  file: filePart,
  id: documentId.optional().openapi({ description: 'Your id; derived from the file and taxonomy when omitted' }),
  metadata: metadataField,
  taxonomy: taxonomyField,
  mode: submissionMode,
}).openapi('SubmitFile');

/** Multipart body of `POST /v1/batches`: one or more files; `metadata` is stored beside each of them. */
export const fileBatchSchema = strictObject({
  file: z
    // One part arrives as a value, several as an array.
    .preprocess(
      (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
      z.array(filePart).min(1, FILE_MISSING),
    )
    .openapi({
      type: 'array',
      items: { type: 'string', format: 'binary' },
      description: 'One part named `file` per document',
    }),
  metadata: metadataField,
  taxonomy: taxonomyField,
  mode: submissionMode,
}).openapi('SubmitFileBatch');

import type { ActivityOptions } from '@temporalio/common';
import { ERROR_TYPES } from './errors.js';

/**
 * How a document's text was obtained (issue 19). Stored with the text, shown by the API and the review page, so that
 * a reviewer knows what the model saw.
 */
export const EXTRACTION_METHOD = {
  pdfText: 'pdf-text',
  docx: 'docx',
  html: 'html',
  email: 'email',
  text: 'text',
  /** Nothing to read as text: the images go to a vision-capable model (DOCKET_VISION_MODEL). */
  vision: 'vision',
  /** The text was read from page images by OCR (DOCKET_OCR=tesseract). */
  ocr: 'ocr',
} as const;
export type ExtractionMethod = (typeof EXTRACTION_METHOD)[keyof typeof EXTRACTION_METHOD];

/**
 * Why a file cannot be read. Each is a problem of the input: the document goes to review with reason `unreadable`,
 * and this reason rides in the `DocketUnreadableDocument` failure's details and in the stored extraction.
 */
export const UNREADABLE_REASON = {
  /** Password-protected (e.g. a PDF with a user password). */
  encrypted: 'encrypted',
  /** The file's structure is broken: truncated, not what its signature says, invalid UTF-8, an undecodable image. */
  corrupt: 'corrupt',
  /** Readable, but nothing in it: no text and no image for a vision model. */
  empty: 'empty',
  /** The stored file is of a type Docket does not read (the API refuses those with 415 before storing them). */
  unsupported: 'unsupported',
  /** Only images hold the document (a scan, a photo) and no vision model is configured (DOCKET_VISION_MODEL). */
  noVisionModel: 'no_vision_model',
} as const;
export type UnreadableReason = (typeof UNREADABLE_REASON)[keyof typeof UNREADABLE_REASON];

/** What a `DocketUnreadableDocument` failure carries in its first detail. */
export interface UnreadableDetails {
  errorClass: 'input';
  reason: UnreadableReason;
}

/**
 * Activity options of `extractDocumentText` for the workflow. Unreadable files (encrypted, corrupt, empty, nothing a
 * model can read) fail at once, typed `DocketUnreadableDocument` (class input: the document goes to review as
 * `unreadable`), and a missing document fails at once too. Anything else is a crash of an extractor or an outage of
 * the database (`DocketInfrastructureUnavailable`, with its own growing delay): retried without a limit of attempts,
 * the delay growing to 5 minutes, like the other database activities, so that a fix deployed to the workers lets the
 * document go on. The activity logs each repeated crash at error level (the alert), and heartbeats while it waits
 * for an extraction slot or parses, so a killed worker's attempt is retried within the heartbeat timeout.
 *
 * A workflow that would rather stop a document whose extraction keeps crashing sets `maximumAttempts` and pauses it
 * (`retries_exhausted`) when the activity fails with any other type.
 */
export const EXTRACTION_ACTIVITY_OPTIONS: ActivityOptions = {
  // A 20 MiB PDF, OCR of its scanned pages included, takes a minute or two on a loaded 2-core worker.
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [ERROR_TYPES.unreadableDocument, ERROR_TYPES.documentNotFound],
  },
};

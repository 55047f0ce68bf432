import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  getDocumentFile,
  getDocumentSource,
  getExtraction,
  listDocumentImageSizes,
  saveExtraction,
  type DocumentFileRow,
  type DocumentSource,
  type EmailSummary,
  type ExtractionRecord,
  type StoredImage,
} from '../db/document-files.js';
import type { Pool } from '../db/pool.js';
import { UnreadableDocumentError, UnsupportedTypeError } from '../extraction/errors.js';
import { imagesTokens, type ImageSize } from '../extraction/image-tokens.js';
import { createTesseractOcr, type OcrEngine } from '../extraction/ocr.js';
import type { ExtractionSettings } from '../extraction/settings.js';
import type { EmailDetails, ExtractedDocument, ExtractOptions } from '../extraction/types.js';
import type { Logger } from '../logger.js';
import { ERROR_TYPES } from '../shared/errors.js';
import type { ExtractionMethod, UnreadableDetails, UnreadableReason } from '../shared/extraction.js';
import { isInfrastructureError } from '../shared/infrastructure-errors.js';
import { heartbeating } from './execution.js';

/** Input of `extractDocumentText`. */
export interface ExtractDocumentTextInput {
  documentId: string;
  /**
   * Extract again although an extraction of the file is stored (after a new extractor, OCR or a vision model was
   * deployed). Unset, a stored successful extraction is returned as it is; an unreadable one is always tried again.
   * @default false
   */
  reextract?: boolean;
}

/** What `extractDocumentText` found: small facts only; the text and the images stay in the database. */
export interface ExtractDocumentTextResult {
  /** `text`: the document was submitted as text and has nothing to extract (the other fields say so). */
  source: DocumentSource;
  method: ExtractionMethod;
  /** `<package>@<version>` of what read the file. */
  extractor?: string;
  /** The file's detected type. */
  mediaType?: string;
  /** Pages in the file (PDF). */
  pages?: number;
  /** Pages read, when fewer than `pages`. */
  pagesRead?: number;
  /** Characters of the document's text as the model reads it. */
  chars: number;
  /** Pages whose text OCR read. */
  ocrPages: number;
  /** Page images stored for a vision model (and the review page). */
  images: number;
  /** Pages without text left out, over DOCKET_VISION_MAX_PAGES. */
  imagesOmitted: number;
  /** The LLM call must attach the images (DOCKET_VISION_MODEL is set and the document has some). */
  needsVision: boolean;
  /** The images' input tokens for the vision model, as it counts them (for the pre-flight estimate and the TPM). */
  visionTokens?: number;
  /** A stored extraction was returned without reading the file again. */
  reused: boolean;
}

export interface ExtractionActivityDeps {
  pool: Pool;
  logger: Logger;
  extraction: ExtractionSettings;
  /**
   * What reads a file. A test wraps the real one to make it crash as a buggy parser would.
   * @default extractDocument (src/extraction/extract.ts)
   */
  extractor?: (bytes: Uint8Array, options: ExtractOptions) => Promise<ExtractedDocument>;
}

/** Heartbeats while extracting or waiting for a slot: a killed worker's attempt is retried after 30 s, not 10 min. */
const HEARTBEAT_INTERVAL_MS = 5_000;
/** From this attempt on, a crash is logged as an error: it is not a passing fault but a file the extractor fails on. */
const REPEATED_CRASH_ATTEMPT = 3;
/** Messages of extractors cut to this length in failures: they explain a broken file, they never hold its text. */
const MAX_MESSAGE_CHARS = 300;

/**
 * Builds the activity that turns a document's stored file into the text the LLM activity reads (written to
 * `documents.text`) and the page images a vision model is sent (`document_images`), and records the extraction.
 * Unreadable files fail with a non-retryable `DocketUnreadableDocument` whose details say why; anything else an
 * extractor throws is a crash, retried. Running it again after a crash rewrites the same rows. Options for the
 * workflow: `EXTRACTION_ACTIVITY_OPTIONS` (src/shared/extraction.ts).
 */
export function createExtractDocumentText(deps: ExtractionActivityDeps) {
  const slots = pLimit(deps.extraction.concurrency);
  let ocr: Promise<OcrEngine | undefined> | undefined;
  const ocrEngine = () => (ocr ??= loadOcr(deps));
  return async function extractDocumentText(input: ExtractDocumentTextInput): Promise<ExtractDocumentTextResult> {
    return heartbeating(() => extractOnce(deps, input, slots, ocrEngine), HEARTBEAT_INTERVAL_MS);
  };
}

async function extractOnce(
  deps: ExtractionActivityDeps,
  input: ExtractDocumentTextInput,
  slots: LimitFunction,
  ocrEngine: () => Promise<OcrEngine | undefined>,
): Promise<ExtractDocumentTextResult> {
  const file = await getDocumentFile(deps.pool, input.documentId);
  if (!file) return textDocument(deps.pool, input.documentId);
  const stored = input.reextract ? undefined : await getExtraction(deps.pool, input.documentId);
  if (stored?.outcome === 'extracted') {
    const sizes = stored.needsVision ? await listDocumentImageSizes(deps.pool, input.documentId) : [];
    return resultOf(stored, sizes, deps.extraction, true);
  }
  const ocr = await ocrEngine();
  let read: { extracted: ExtractedDocument; images: StoredImage[]; omitted: number };
  try {
    read = await slots(() => readFile(deps, file, ocr));
  } catch (error) {
    const unreadable = asUnreadable(error);
    if (!unreadable) throw crashed(deps.logger, input.documentId, error);
    await save(deps.pool, input.documentId, unreadableRecord(file, unreadable.reason), '', []);
    throw unreadableFailure(unreadable.reason, unreadable.message);
  }
  const record = extractionRecord(read, deps.extraction);
  await save(deps.pool, input.documentId, record, read.extracted.text, read.images);
  if (record.outcome === 'unreadable') {
    throw unreadableFailure(
      'no_vision_model',
      'only images hold this document and no vision model is configured (DOCKET_VISION_MODEL)',
    );
  }
  return resultOf(record, read.images, deps.extraction, false);
}

/**
 * Extracts the file, then brings its images within the vision limits. The extractors are loaded at the first file, not
 * with the worker: pdf.js and the canvas cost a worker about 200 MiB and two seconds, which one that is never sent a
 * file need not pay.
 */
async function readFile(deps: ExtractionActivityDeps, file: DocumentFileRow, ocr: OcrEngine | undefined) {
  const [{ extractDocument }, { prepareVisionImages }] = await Promise.all([
    import('../extraction/extract.js'),
    import('../extraction/vision-input.js'),
  ]);
  const settings = deps.extraction;
  const extracted = await (deps.extractor ?? extractDocument)(file.bytes, {
    ...(file.fileName ? { name: file.fileName } : {}),
    maxImages: settings.vision.maxPages,
    ...(ocr ? { ocr } : {}),
  });
  const prepared = await prepareVisionImages(extracted.images ?? [], {
    maxImages: settings.vision.maxPages,
    maxPixels: settings.vision.maxPixels,
  });
  return { extracted, images: prepared.images, omitted: prepared.omitted };
}

/**
 * The extraction as stored. Without a vision model, a document whose images are all there is to it is unreadable
 * (`no_vision_model`; its images are kept for the review page); one with text too is classified on its text.
 */
function extractionRecord(
  read: { extracted: ExtractedDocument; images: StoredImage[]; omitted: number },
  settings: ExtractionSettings,
): ExtractionRecord {
  const { extracted, images } = read;
  const hasModel = settings.vision.model !== undefined;
  const unreadable = images.length > 0 && !hasModel && extracted.text === '';
  return {
    outcome: unreadable ? 'unreadable' : 'extracted',
    ...(unreadable ? { unreadableReason: 'no_vision_model' as const } : {}),
    method: extracted.method,
    extractor: extracted.extractor,
    mediaType: extracted.mediaType,
    textChars: extracted.text.length,
    ...(extracted.pages !== undefined ? { pages: extracted.pages } : {}),
    ...(extracted.pagesRead !== undefined ? { pagesRead: extracted.pagesRead } : {}),
    ocrPages: extracted.ocrPages ?? 0,
    images: images.length,
    imagesOmitted: (extracted.imagesOmitted ?? 0) + read.omitted,
    needsVision: images.length > 0 && hasModel,
    ...(extracted.email ? { email: emailSummary(extracted.email) } : {}),
  };
}

function unreadableRecord(file: DocumentFileRow, reason: UnreadableReason): ExtractionRecord {
  return {
    outcome: 'unreadable',
    unreadableReason: reason,
    mediaType: file.mediaType,
    textChars: 0,
    ocrPages: 0,
    images: 0,
    imagesOmitted: 0,
    needsVision: false,
  };
}

/** The activity's result from the stored record; `images` are the sizes of the stored images, to count tokens. */
function resultOf(
  record: ExtractionRecord,
  images: readonly ImageSize[],
  settings: ExtractionSettings,
  reused: boolean,
): ExtractDocumentTextResult {
  const model = settings.vision.model;
  return {
    source: 'file',
    method: record.method ?? 'text',
    ...(record.extractor ? { extractor: record.extractor } : {}),
    mediaType: record.mediaType,
    ...(record.pages !== undefined ? { pages: record.pages } : {}),
    ...(record.pagesRead !== undefined ? { pagesRead: record.pagesRead } : {}),
    chars: record.textChars,
    ocrPages: record.ocrPages,
    images: record.images,
    imagesOmitted: record.imagesOmitted,
    needsVision: record.needsVision,
    ...(record.needsVision && model ? { visionTokens: imagesTokens(images, model, settings.vision.detail) } : {}),
    reused,
  };
}

/** A document submitted as text: nothing to extract, its text is the document's already. */
async function textDocument(pool: Pool, documentId: string): Promise<ExtractDocumentTextResult> {
  const document = await getDocumentSource(pool, documentId);
  if (document?.source !== 'text') throw documentNotFound(documentId);
  return {
    source: 'text',
    method: 'text',
    chars: document.textChars,
    ocrPages: 0,
    images: 0,
    imagesOmitted: 0,
    needsVision: false,
    reused: false,
  };
}

async function save(
  pool: Pool,
  documentId: string,
  record: ExtractionRecord,
  text: string,
  images: StoredImage[],
): Promise<void> {
  // The file went away while it was read: the document was erased, and there is nothing left to classify.
  if (!(await saveExtraction(pool, documentId, { record, text, images }))) throw documentNotFound(documentId);
}

function emailSummary(email: EmailDetails): EmailSummary {
  const { attachments, ...header } = email;
  return { ...header, attachments: attachments.map(({ name, mediaType, size }) => ({ name, mediaType, size })) };
}

/** The unreadable verdict an extractor gave, if it gave one; a stored file of an unsupported type is one too. */
function asUnreadable(error: unknown): { reason: UnreadableReason; message: string } | undefined {
  if (error instanceof UnreadableDocumentError) return { reason: error.reason, message: error.message };
  if (error instanceof UnsupportedTypeError) return { reason: 'unsupported', message: error.message };
  return undefined;
}

function unreadableFailure(reason: UnreadableReason, message: string): ApplicationFailure {
  const details: UnreadableDetails = { errorClass: 'input', reason };
  return ApplicationFailure.create({
    type: ERROR_TYPES.unreadableDocument,
    message: `the document's file cannot be read (${reason}): ${message.slice(0, MAX_MESSAGE_CHARS)}`,
    nonRetryable: true,
    details: [details],
  });
}

function documentNotFound(documentId: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ERROR_TYPES.documentNotFound,
    message: `document ${documentId} is not in the database`,
    nonRetryable: true,
  });
}

/** A crash of an extractor: logged (as an error once it keeps happening) and thrown on as it is, to be retried. */
function crashed(logger: Logger, documentId: string, error: unknown): unknown {
  if (isInfrastructureError(error)) return error;
  const { attempt, workflowExecution } = activityInfo();
  const level = attempt >= REPEATED_CRASH_ATTEMPT ? 'error' : 'warn';
  logger[level](
    {
      documentId,
      workflowId: workflowExecution?.workflowId,
      attempt,
      err: error,
    },
    'extraction crashed; it will be retried',
  );
  return error;
}

/** Tesseract when DOCKET_OCR=tesseract and it is installed; said once per worker when it is not. */
async function loadOcr(deps: ExtractionActivityDeps): Promise<OcrEngine | undefined> {
  if (deps.extraction.ocr.engine === 'off') return undefined;
  const tesseract = await createTesseractOcr({ languages: deps.extraction.ocr.languages });
  if (!tesseract.available) {
    deps.logger.warn({ reason: tesseract.reason }, 'DOCKET_OCR=tesseract, but OCR is unavailable: extracting without');
    return undefined;
  }
  const { engine } = tesseract;
  return {
    tag: engine.tag,
    // OCR is a help, not a condition: a page it fails on stays an image, for the vision model or the review.
    recognize: (image) =>
      engine.recognize(image).catch((error: unknown) => {
        deps.logger.warn({ error: (error as Error).message }, 'OCR failed on a page; it is kept as an image');
        return '';
      }),
  };
}

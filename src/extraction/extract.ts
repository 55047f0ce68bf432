import { createBigFileGate } from './big-file-gate.js';
import { detectDocumentType, type DetectedType } from './detect.js';
import { extractDocx } from './docx.js';
import { extractEmail } from './email.js';
import { UnreadableDocumentError } from './errors.js';
import { extractHtml } from './html.js';
import { libraryTag } from './library-version.js';
import { imageInfo } from './images.js';
import type { OcrEngine } from './ocr.js';
import { extractPdf, MIN_PAGE_TEXT_CHARS as MIN_OCR_CHARS, type PdfOptions } from './pdf.js';
import { DEFAULT_VISION_MAX_PAGES } from './settings.js';
import { extractText } from './text.js';
import type { ExtractedDocument, ExtractOptions } from './types.js';

/** Pages of a PDF read by default: enough for any contract or report, bounded for a 5,000-page export. */
export const DEFAULT_MAX_PAGES = 200;

const bigFileGate = createBigFileGate();

/**
 * The text of a file, whatever its supported type (detected from its content, see `detectDocumentType`), with the
 * method and library that produced it, and the images that need a vision model.
 *
 * Throws `UnsupportedTypeError` for a type Docket does not read (the API's 415), `UnreadableDocumentError` for a
 * file that cannot be read (encrypted, corrupt, or nothing in it: an input problem, the document goes to review as
 * `unreadable`). Anything else it throws is a crash of an extractor, to be retried.
 */
export async function extractDocument(bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractedDocument> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const maxImages = options.maxImages ?? DEFAULT_VISION_MAX_PAGES;
  // A caller's mistake, not the file's: it must not pass for an empty document.
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new RangeError('maxPages must be a whole number ≥ 1');
  if (!Number.isInteger(maxImages) || maxImages < 0) throw new RangeError('maxImages must be a whole number ≥ 0');
  if (bytes.length === 0) throw new UnreadableDocumentError('empty', 'the file is empty (0 bytes)');
  const type = await detectDocumentType(bytes, options.name);
  const result = await bigFileGate(bytes.length, () =>
    extractByKind(bytes, type, { maxPages, maxImages, ocr: options.ocr }),
  );
  if (result.text === '' && !result.images?.length) {
    throw new UnreadableDocumentError('empty', `nothing to read: the ${type.mediaType} file holds no text or image`);
  }
  return result;
}

async function extractByKind(bytes: Uint8Array, type: DetectedType, options: PdfOptions): Promise<ExtractedDocument> {
  switch (type.kind) {
    case 'pdf':
      return extractPdf(bytes, options);
    case 'docx':
      return extractDocx(bytes);
    case 'html':
      return extractHtml(bytes);
    case 'email':
      return extractEmail(bytes);
    case 'text':
      return extractText(bytes, type.mediaType);
    case 'image':
      return readImage(bytes, type.mediaType, options.ocr);
  }
}

/**
 * An image file: its text when OCR reads it, else the image itself, for a vision model. Its header is checked first,
 * so that neither OCR nor a decoder meets an image too large to decode.
 */
async function readImage(bytes: Uint8Array, mediaType: string, ocr: OcrEngine | undefined): Promise<ExtractedDocument> {
  await imageInfo(bytes);
  if (ocr) {
    const read = await ocr.recognize(bytes);
    if (read.replace(/\s/g, '').length >= MIN_OCR_CHARS) {
      return { text: read, method: 'ocr', extractor: ocr.tag, mediaType, ocrPages: 1 };
    }
  }
  return { text: '', method: 'vision', extractor: libraryTag('file-type'), mediaType, images: [{ mediaType, bytes }] };
}

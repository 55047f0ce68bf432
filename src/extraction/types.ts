import type { ExtractionMethod } from '../shared/extraction.js';
import type { OcrEngine } from './ocr.js';

export { EXTRACTION_METHOD, type ExtractionMethod } from '../shared/extraction.js';

/** An image that only a vision model (or OCR) can read: a PDF page without a text layer, or an image file. */
export interface DocumentImage {
  /** The 1-based PDF page it renders; absent for an image file. */
  page?: number;
  mediaType: string;
  bytes: Uint8Array;
}

/** A file attached to an e-mail, returned whole so that a caller can submit it as a document of its own. */
export interface EmailAttachment {
  /** The attachment's file name, or `attachment-<n>` when the e-mail gives none. */
  name: string;
  mediaType: string;
  size: number;
  bytes: Uint8Array;
}

/** The header fields of an e-mail, kept apart from the body text. */
export interface EmailDetails {
  subject?: string;
  from?: string;
  /** ISO 8601. */
  date?: string;
  attachments: EmailAttachment[];
}

/** Options of {@link extractDocument}. */
export interface ExtractOptions {
  /**
   * The file's name. Used only for text formats without a signature (`.txt`, `.md`, `.html`, `.eml`): the
   * content decides for every other type.
   */
  name?: string;
  /**
   * Pages of a PDF read at most; later pages are counted but neither parsed nor rendered, which bounds memory and
   * time on very long files.
   * @default 200
   */
  maxPages?: number;
  /**
   * Pages without text rendered at most, for OCR or a vision model (DOCKET_VISION_MAX_PAGES); later ones are counted
   * in `imagesOmitted`.
   * @default 10
   */
  maxImages?: number;
  /** Reads pages without text, and image files, before they are left to a vision model. @default none */
  ocr?: OcrEngine;
}

/** What {@link extractDocument} found in a file. */
export interface ExtractedDocument {
  /** The document's text, `''` when it holds only images (`method: 'vision'`). */
  text: string;
  method: ExtractionMethod;
  /** The library that read the file, `<package>@<version>`, stored beside the text. */
  extractor: string;
  /** The detected media type, e.g. `application/pdf`. */
  mediaType: string;
  /** Pages in the file (PDF only). */
  pages?: number;
  /** Pages read, when `maxPages` stopped short of `pages`. */
  pagesRead?: number;
  /** Images that need a vision model: PDF pages without text that OCR did not read, or the image file itself. */
  images?: DocumentImage[];
  /** Pages without text beyond the rendering limit, left out of `images`. */
  imagesOmitted?: number;
  /** Pages (or the image file) whose text OCR read; they are not in `images`. */
  ocrPages?: number;
  /** Header fields and attachments (e-mail only). */
  email?: EmailDetails;
}

import { fileURLToPath } from 'node:url';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument, OPS, VerbosityLevel, version } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import { UnreadableDocumentError } from './errors.js';
import { MAX_DECODED_PIXELS } from './images.js';
import type { OcrEngine } from './ocr.js';
import type { DocumentImage, ExtractedDocument, ExtractionMethod } from './types.js';

/** Fewer characters than this on a page is a scan with a stray page number or stamp, not a text layer. */
export const MIN_PAGE_TEXT_CHARS = 16;
/** A rendered page's longest side: legible for a vision model, and the size they scale larger images down to. */
const RENDER_LONGEST_SIDE_PX = 1568;

const PDFJS_ROOT = new URL('../../../', import.meta.resolve('pdfjs-dist/legacy/build/pdf.mjs'));
/** Fonts and CMaps for PDFs that do not embed theirs (CJK text needs the CMaps to come out as characters). */
const STANDARD_FONTS = fileURLToPath(new URL('standard_fonts/', PDFJS_ROOT));
const CMAPS = fileURLToPath(new URL('cmaps/', PDFJS_ROOT));

/** Operators that paint something on a page; a page without text and without any of them is blank. */
const PAINTING_OPS = new Set<number>([
  OPS.paintImageXObject,
  OPS.paintInlineImageXObject,
  OPS.paintImageMaskXObject,
  OPS.paintImageXObjectRepeat,
  OPS.paintInlineImageXObjectGroup,
  OPS.paintSolidColorImageMask,
  OPS.constructPath,
]);

/** pdf.js error names that mean the file, not the library, is at fault. */
const CORRUPT_ERRORS = new Set(['InvalidPDFException', 'FormatError', 'UnknownErrorException', 'ResponseException']);

/** Options of {@link extractPdf}. */
export interface PdfOptions {
  /** Pages read at most; later ones are counted but neither parsed nor rendered. */
  maxPages: number;
  /** Pages without text rendered at most (for OCR or a vision model); later ones are counted in `imagesOmitted`. */
  maxImages: number;
  /** Reads the rendered pages first; what it cannot read stays an image for a vision model. */
  ocr?: OcrEngine;
}

/**
 * The text of a PDF, page by page, with pdf.js. Pages without a text layer that paint something (a scan) are
 * rendered to PNG, at most `maxImages`: read by `ocr` when there is one, else (or when it reads nothing) returned
 * for a vision model. Only `maxPages` pages are read, one at a time, each released before the next.
 */
export async function extractPdf(bytes: Uint8Array, options: PdfOptions): Promise<ExtractedDocument> {
  let pdf: PDFDocumentProxy | undefined;
  try {
    pdf = await getDocument({
      // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy, not the caller's bytes.
      data: new Uint8Array(bytes),
      verbosity: VerbosityLevel.ERRORS,
      isEvalSupported: false,
      standardFontDataUrl: STANDARD_FONTS,
      cMapUrl: CMAPS,
      cMapPacked: true,
      // An embedded image claiming more pixels is skipped rather than decoded (a decompression bomb).
      maxImageSize: MAX_DECODED_PIXELS,
    }).promise;
    return await readPages(pdf, options);
  } catch (error) {
    throw asUnreadable(error);
  } finally {
    await pdf?.destroy();
  }
}

/** What the pages read so far hold. */
interface PageTally {
  texts: string[];
  images: DocumentImage[];
  imagesOmitted: number;
  textLayerPages: number;
  ocrPages: number;
}

async function readPages(pdf: PDFDocumentProxy, options: PdfOptions): Promise<ExtractedDocument> {
  const pagesRead = Math.min(pdf.numPages, options.maxPages);
  const tally: PageTally = { texts: [], images: [], imagesOmitted: 0, textLayerPages: 0, ocrPages: 0 };
  let rendered = 0;
  for (let number = 1; number <= pagesRead; number++) {
    const page = await pdf.getPage(number);
    try {
      const text = await pageText(page);
      if (text.replace(/\s/g, '').length >= MIN_PAGE_TEXT_CHARS) {
        tally.texts.push(text);
        tally.textLayerPages++;
      } else if (!(await paintsSomething(page))) {
        if (text !== '') tally.texts.push(text);
      } else if (rendered >= options.maxImages) {
        if (text !== '') tally.texts.push(text);
        tally.imagesOmitted++;
      } else {
        rendered++;
        await readScannedPage(page, number, text, options.ocr, tally);
      }
    } finally {
      page.cleanup();
    }
  }
  const { texts, images, imagesOmitted, ocrPages } = tally;
  return {
    text: texts.join('\n\n'),
    method: pdfMethod(tally),
    extractor: `pdfjs-dist@${version}${ocrPages > 0 && options.ocr ? `+${options.ocr.tag}` : ''}`,
    mediaType: 'application/pdf',
    pages: pdf.numPages,
    ...(pagesRead < pdf.numPages ? { pagesRead } : {}),
    ...(images.length > 0 ? { images } : {}),
    ...(imagesOmitted > 0 ? { imagesOmitted } : {}),
    ...(ocrPages > 0 ? { ocrPages } : {}),
  };
}

/** A scanned page: its OCR text when OCR reads it (replacing a stray page number), else its image. */
async function readScannedPage(
  page: PDFPageProxy,
  number: number,
  strayText: string,
  ocr: OcrEngine | undefined,
  tally: PageTally,
): Promise<void> {
  const image = await renderPage(page, number);
  const read = ocr ? await ocr.recognize(image.bytes) : '';
  if (read.replace(/\s/g, '').length >= MIN_PAGE_TEXT_CHARS) {
    tally.texts.push(read);
    tally.ocrPages++;
    return;
  }
  if (strayText !== '') tally.texts.push(strayText);
  tally.images.push(image);
}

/** The text layer when any page has one; else OCR when it read a page; else the images, for a vision model. */
function pdfMethod(tally: PageTally): ExtractionMethod {
  if (tally.textLayerPages > 0) return 'pdf-text';
  if (tally.ocrPages > 0) return 'ocr';
  return tally.images.length > 0 ? 'vision' : 'pdf-text';
}

async function pageText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  let text = '';
  for (const item of content.items) {
    if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
  }
  return text.trim();
}

async function paintsSomething(page: PDFPageProxy): Promise<boolean> {
  const operators = await page.getOperatorList();
  return operators.fnArray.some((op) => PAINTING_OPS.has(op));
}

async function renderPage(page: PDFPageProxy, number: number): Promise<DocumentImage> {
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: RENDER_LONGEST_SIDE_PX / Math.max(base.width, base.height) });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  // Scans are often transparent where the paper is: paint it white, as a viewer would.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({
    canvas: canvas as unknown as HTMLCanvasElement,
    canvasContext: context as unknown as CanvasRenderingContext2D,
    viewport,
  }).promise;
  return { page: number, mediaType: 'image/png', bytes: new Uint8Array(await canvas.encode('png')) };
}

function asUnreadable(error: unknown): unknown {
  if (error instanceof UnreadableDocumentError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new UnreadableDocumentError('encrypted', 'the PDF is password-protected', { cause: error });
  }
  if (CORRUPT_ERRORS.has(name)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new UnreadableDocumentError('corrupt', `the PDF cannot be parsed: ${detail}`, { cause: error });
  }
  return error;
}

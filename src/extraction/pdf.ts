import { fileURLToPath } from 'node:url';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument, OPS, VerbosityLevel, version } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import { UnreadableDocumentError } from './errors.js';
import type { DocumentImage, ExtractedDocument } from './types.js';

/** Fewer characters than this on a page is a scan with a stray page number or stamp, not a text layer. */
const MIN_PAGE_TEXT_CHARS = 16;
/** A rendered page's longest side: legible for a vision model, and the size they scale larger images down to. */
const RENDER_LONGEST_SIDE_PX = 1568;
/** Pages rendered for a vision model at most per file: each is an image in the request, and tokens are paid. */
export const MAX_RENDERED_PAGES = 20;

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

/**
 * The text of a PDF, page by page, with pdf.js. Pages without a text layer that paint something (a scan) are
 * rendered to PNG for a vision model, at most {@link MAX_RENDERED_PAGES}. Only `maxPages` pages are read, one at a
 * time, each released before the next.
 */
export async function extractPdf(bytes: Uint8Array, maxPages: number): Promise<ExtractedDocument> {
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
    }).promise;
    return await readPages(pdf, maxPages);
  } catch (error) {
    throw asUnreadable(error);
  } finally {
    await pdf?.destroy();
  }
}

async function readPages(pdf: PDFDocumentProxy, maxPages: number): Promise<ExtractedDocument> {
  const pagesRead = Math.min(pdf.numPages, maxPages);
  const texts: string[] = [];
  const images: DocumentImage[] = [];
  let imagesOmitted = 0;
  let textLayerPages = 0;
  for (let number = 1; number <= pagesRead; number++) {
    const page = await pdf.getPage(number);
    try {
      const text = await pageText(page);
      if (text !== '') texts.push(text);
      if (text.replace(/\s/g, '').length >= MIN_PAGE_TEXT_CHARS) textLayerPages++;
      else if (await paintsSomething(page)) {
        if (images.length < MAX_RENDERED_PAGES) images.push(await renderPage(page, number));
        else imagesOmitted++;
      }
    } finally {
      page.cleanup();
    }
  }
  return {
    text: texts.join('\n\n'),
    // Only scans, perhaps with a stray page number: what matters is in the images.
    method: textLayerPages === 0 && images.length > 0 ? 'vision' : 'pdf-text',
    extractor: `pdfjs-dist@${version}`,
    mediaType: 'application/pdf',
    pages: pdf.numPages,
    ...(pagesRead < pdf.numPages ? { pagesRead } : {}),
    ...(images.length > 0 ? { images } : {}),
    ...(imagesOmitted > 0 ? { imagesOmitted } : {}),
  };
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

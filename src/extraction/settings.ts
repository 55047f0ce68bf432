/** The `detail` of an image content part: `low` is one 512×512 view at a fixed cost, `high` reads the page's text. */
export type VisionDetail = 'low' | 'high' | 'auto';

/** What a vision model is sent, and whether there is one (DOCKET_VISION_*). */
export interface VisionSettings {
  /** DOCKET_VISION_MODEL; unset: documents that only images hold are unreadable. */
  model?: string;
  /** DOCKET_VISION_MAX_PAGES: pages without text rendered per document (for OCR or the vision model). */
  maxPages: number;
  /** DOCKET_VISION_MAX_PIXELS: an image's width × height at most; larger ones are scaled down. */
  maxPixels: number;
  /** DOCKET_VISION_DETAIL. */
  detail: VisionDetail;
}

/** The OCR engine for pages without text (DOCKET_OCR, DOCKET_OCR_LANGUAGES). */
export interface OcrSettings {
  engine: 'off' | 'tesseract';
  /** Tesseract's `-l` argument, e.g. `eng` or `eng+deu`. */
  languages: string;
}

/** Everything the extraction activity is configured with. */
export interface ExtractionSettings {
  vision: VisionSettings;
  ocr: OcrSettings;
  /** DOCKET_EXTRACTION_CONCURRENCY: extractions in flight per worker process. */
  concurrency: number;
}

/** DOCKET_VISION_MAX_PAGES's default: enough pages to classify a scanned document, a bounded number of images. */
export const DEFAULT_VISION_MAX_PAGES = 10;
/** DOCKET_VISION_MAX_PIXELS's default: an A4 page rendered at 1568 px on its long side (1109 × 1568) fits unscaled. */
export const DEFAULT_VISION_MAX_PIXELS = 2_000_000;

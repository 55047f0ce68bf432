/**
 * Text from files: type detection, one extractor per type, the unreadable/unsupported/too-large errors, the content
 * hash, the size check, the images prepared for a vision model and their token cost, OCR.
 */
export { contentHash } from './content-hash.js';
export { detectDocumentType, DOCUMENT_KIND, SUPPORTED_TYPES, type DetectedType, type DocumentKind } from './detect.js';
export {
  FileTooLargeError,
  UNREADABLE_REASON,
  UnreadableDocumentError,
  UnsupportedTypeError,
  type UnreadableReason,
} from './errors.js';
export { DEFAULT_MAX_PAGES, extractDocument } from './extract.js';
export { checkFileSize, DEFAULT_MAX_FILE_BYTES } from './file-size.js';
export { imagesTokens, imageTokens, type ImageSize } from './image-tokens.js';
export { imageInfo, MAX_DECODED_PIXELS, type ImageInfo } from './images.js';
export { createTesseractOcr, type OcrEngine, type OcrAvailability, type TesseractOptions } from './ocr.js';
export { imageContentParts, prepareVisionImages, type VisionImageLimits } from './vision-input.js';
export * from './settings.js';
export * from './types.js';

/** Text from files: type detection, one extractor per type, the unreadable/unsupported errors, the content hash. */
export { contentHash } from './content-hash.js';
export { detectDocumentType, DOCUMENT_KIND, SUPPORTED_TYPES, type DetectedType, type DocumentKind } from './detect.js';
export { UNREADABLE_REASON, UnreadableDocumentError, UnsupportedTypeError, type UnreadableReason } from './errors.js';
export { DEFAULT_MAX_PAGES, extractDocument } from './extract.js';
export { MAX_RENDERED_PAGES } from './pdf.js';
export * from './types.js';

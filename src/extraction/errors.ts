import type { UnreadableReason } from '../shared/extraction.js';

export { UNREADABLE_REASON, type UnreadableReason } from '../shared/extraction.js';

/**
 * The file is of a supported type but cannot be read. An input problem (DESIGN.md §6): retrying cannot help, so it
 * is never retried and the document goes to review with reason `unreadable`. Any other error thrown by extraction is
 * a crash of the extractor, retried like any transient failure.
 */
export class UnreadableDocumentError extends Error {
  override name = 'UnreadableDocumentError';
  constructor(
    readonly reason: UnreadableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The file is of a type Docket does not read; the API answers 415 with this message, which lists what it reads. */
export class UnsupportedTypeError extends Error {
  override name = 'UnsupportedTypeError';
  constructor(
    /** The media type found, or `undefined` when neither content nor name say what the file is. */
    readonly detected: string | undefined,
    /** Human-readable names of the supported types, for the message and the API's answer. */
    readonly supported: readonly string[],
    detail?: string,
  ) {
    super(
      `${detail ?? `unsupported file type ${detected ?? '(unknown binary content)'}`}; ` +
        `supported: ${supported.join(', ')}`,
    );
  }
}

/** The file is larger than DOCKET_MAX_FILE_BYTES; the API answers 413 with this message. */
export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
  constructor(
    /** The file's size, or the size announced for it (Content-Length), in bytes. */
    readonly size: number,
    /** DOCKET_MAX_FILE_BYTES. */
    readonly limit: number,
    message: string,
  ) {
    super(message);
  }
}

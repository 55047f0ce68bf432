/** Why a file cannot be read: each is a problem of the input, so the document goes to review as `unreadable`. */
export const UNREADABLE_REASON = {
  /** Password-protected (e.g. a PDF with a user password). */
  encrypted: 'encrypted',
  /** The file's structure is broken: truncated, not what its signature says, invalid UTF-8. */
  corrupt: 'corrupt',
  /** Readable, but nothing in it: no text and no image for a vision model. */
  empty: 'empty',
} as const;
export type UnreadableReason = (typeof UNREADABLE_REASON)[keyof typeof UNREADABLE_REASON];

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

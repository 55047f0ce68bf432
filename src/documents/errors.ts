/**
 * The failures of Docket's domain services that a caller can act on. The services know nothing of HTTP: the API
 * turns each kind into its status in one place (`toHttpError` in src/api/http-error.ts), the CLI and the benchmark
 * see the same errors when they call a service directly.
 */

/** What went wrong, in the caller's terms; each kind has one HTTP status at the API's edge. */
export const DOMAIN_ERROR_KIND = {
  /** The id names nothing stored (a document, a batch, a comparison). */
  notFound: 'not_found',
  /** The request contradicts what is stored (an id with other text, a review that is no longer pending). */
  conflict: 'conflict',
  /** The request itself is wrong: its message says what to fix. */
  invalidInput: 'invalid_input',
  /** Over a configured limit (document bytes, file bytes, documents per batch). */
  tooLarge: 'too_large',
  /** A file of a type Docket does not read: its message lists what it reads. */
  unsupportedType: 'unsupported_type',
  /** Temporal or the database did not answer in time: the same request may succeed later. */
  unavailable: 'unavailable',
} as const;
export type DomainErrorKind = (typeof DOMAIN_ERROR_KIND)[keyof typeof DOMAIN_ERROR_KIND];

/** A domain failure; its message tells the caller what to fix, and never holds document text. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(DOMAIN_ERROR_KIND.notFound, message);
  }
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  constructor(message: string) {
    super(DOMAIN_ERROR_KIND.conflict, message);
  }
}

export class InvalidInputError extends DomainError {
  override name = 'InvalidInputError';
  constructor(message: string) {
    super(DOMAIN_ERROR_KIND.invalidInput, message);
  }
}

export class TooLargeError extends DomainError {
  override name = 'TooLargeError';
  constructor(message: string) {
    super(DOMAIN_ERROR_KIND.tooLarge, message);
  }
}

export class UnsupportedFileTypeError extends DomainError {
  override name = 'UnsupportedFileTypeError';
  constructor(message: string) {
    super(DOMAIN_ERROR_KIND.unsupportedType, message);
  }
}

export class UnavailableError extends DomainError {
  override name = 'UnavailableError';
  constructor(message: string) {
    super(DOMAIN_ERROR_KIND.unavailable, message);
  }
}

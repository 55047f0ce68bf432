import { HTTPException } from 'hono/http-exception';
import { DomainError, type DomainErrorKind } from '../documents/errors.js';

/** Error codes of the API's error body `{ "error": { "code", "message" } }`. */
export type HttpErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

const STATUS: Record<HttpErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503 | 500> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

/** The one error type of the API; its message tells the caller what to fix. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: (typeof STATUS)[HttpErrorCode];
  constructor(
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }

  toBody(): { error: { code: HttpErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

const CODE_OF_STATUS: Partial<Record<number, HttpErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The HTTP answer to each kind of domain failure. */
const CODE_OF_KIND: Record<DomainErrorKind, HttpErrorCode> = {
  not_found: 'not_found',
  conflict: 'conflict',
  invalid_input: 'bad_request',
  too_large: 'payload_too_large',
  unsupported_type: 'unsupported_media_type',
  unavailable: 'unavailable',
};

/**
 * The client's error behind `err`, if it is one: an `HttpError`; a `DomainError` thrown by a service of
 * src/documents (the one place where domain failures become HTTP statuses); or a 4xx `HTTPException` thrown by Hono
 * itself (malformed JSON in its validator, a body over a limit), which must reach the caller as that 4xx, never as a
 * 500.
 */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) return new HttpError(CODE_OF_KIND[err.kind], err.message);
  if (err instanceof HTTPException && err.status >= 400 && err.status < 500) {
    return new HttpError(CODE_OF_STATUS[err.status] ?? 'bad_request', err.message || 'invalid request');
  }
  return undefined;
}

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ERROR_TYPE_CLASS, ERROR_TYPES, type ErrorClass, type ErrorType } from '../shared/errors.js';

/** A provider outcome placed in the taxonomy of DESIGN.md §6. */
export interface MappedFailure {
  errorClass: ErrorClass;
  type: ErrorType;
  message: string;
  /** HTTP status, when the provider answered. */
  status?: number;
  /** The provider's error code, e.g. `rate_limit_exceeded`, `insufficient_quota`. */
  code?: string;
  /** How long the provider asked us to wait (`retry-after-ms`, else `Retry-After`). */
  retryAfterMs?: number;
  requestId?: string;
}

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

/** Parses `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function failure(type: ErrorType, message: string, extra: Partial<MappedFailure> = {}): MappedFailure {
  return { errorClass: ERROR_TYPE_CLASS[type], type, message, ...extra };
}

/**
 * The one mapping from a provider error to the error taxonomy. Returns `undefined` for an abort caused by
 * cancellation, which must propagate as a cancellation rather than as a provider failure.
 */
export function mapProviderError(err: unknown): MappedFailure | undefined {
  if (err instanceof APIUserAbortError) return undefined;
  if (err instanceof APIConnectionTimeoutError) return failure(ERROR_TYPES.timeout, 'the LLM call timed out');
  if (err instanceof APIConnectionError) {
    return failure(ERROR_TYPES.connectionError, `connection to the LLM provider failed: ${err.message}`);
  }
  if (err instanceof APIError) {
    const status = err.status;
    const code = typeof err.code === 'string' ? err.code : undefined;
    const errorType = typeof err.type === 'string' ? err.type : undefined;
    const extra = { status, code, requestId: err.requestID ?? undefined };
    const message = `${status ?? 'no status'} ${code ?? errorType ?? ''}: ${err.message}`.trim();
    if (status === 429) {
      // An exhausted quota is answered with 429 too, but waiting never fixes it.
      if (code === 'insufficient_quota' || errorType === 'insufficient_quota') {
        return failure(ERROR_TYPES.insufficientQuota, message, extra);
      }
      return failure(ERROR_TYPES.rateLimited, message, { ...extra, retryAfterMs: retryAfterMs(err.headers) });
    }
    if (status === 400 && code === 'context_length_exceeded') {
      return failure(ERROR_TYPES.contextLengthExceeded, message, extra);
    }
    if (status === 400 && (code === 'content_filter' || code === 'content_policy_violation')) {
      return failure(ERROR_TYPES.contentFiltered, message, extra);
    }
    if (status === 401) return failure(ERROR_TYPES.authentication, message, extra);
    if (status === 403) return failure(ERROR_TYPES.permissionDenied, message, extra);
    if (status === 404) return failure(ERROR_TYPES.modelNotFound, message, extra);
    if (status === 408 || status === 409) return failure(ERROR_TYPES.serverError, message, extra);
    if (status !== undefined && status >= 500) {
      return failure(ERROR_TYPES.serverError, message, { ...extra, retryAfterMs: retryAfterMs(err.headers) });
    }
    return failure(ERROR_TYPES.invalidRequest, message, extra);
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return failure(ERROR_TYPES.connectionError, `connection to the LLM provider failed: ${code}`);
  }
  return failure(ERROR_TYPES.serverError, `unexpected error calling the LLM: ${String(err)}`);
}

/**
 * The delay before the next attempt of a transient failure: the provider's Retry-After when it sent one
 * (never earlier), else exponential backoff; both with jitter so that retries of many documents spread out.
 */
export function nextRetryDelayMs(
  attempt: number,
  retryAfter: number | undefined,
  options: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const { baseMs = 1000, maxMs = 60_000, random = Math.random } = options;
  if (retryAfter !== undefined) {
    return Math.ceil(retryAfter + 25 + random() * Math.min(1000, retryAfter * 0.25));
  }
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.ceil(exponential / 2 + random() * (exponential / 2));
}

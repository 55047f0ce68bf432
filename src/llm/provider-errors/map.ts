import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ERROR_TYPE_CLASS, ERROR_TYPES, type ErrorClass, type ErrorType } from '../../shared/errors.js';
import { retryAfterFromWording, retryAfterMs } from './retry-after.js';
import { PROVIDER_ERROR_RULES, ruleMatches, type ProviderErrorRule } from './rules.js';
import { readSignals, shouldRetryHeader, type ErrorSignals } from './signals.js';

/** A provider outcome placed in the taxonomy of DESIGN.md §6. */
export interface MappedFailure {
  errorClass: ErrorClass;
  type: ErrorType;
  message: string;
  /** HTTP status, when the provider answered. */
  status?: number;
  /** The provider's error code, e.g. `rate_limit_exceeded`, `insufficient_quota`. */
  code?: string;
  /**
   * How long the provider asked us to wait: `retry-after-ms`, else `Retry-After` (also as a gateway forwards them,
   * `llm_provider-retry-after`), else a wait its message names ("try again in 3s").
   */
  retryAfterMs?: number;
  requestId?: string;
  /** The rule of `PROVIDER_ERROR_RULES` that decided, or why none did (connection errors, `x-should-retry`). */
  rule?: string;
}

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

function failure(type: ErrorType, message: string, extra: Partial<MappedFailure> = {}): MappedFailure {
  return { errorClass: ERROR_TYPE_CLASS[type], type, message, ...extra };
}

/**
 * The server's `x-should-retry` against the table's decision, as the openai SDK itself weighs it when it retries:
 * - `false` on anything transient: the server knows the same request fails again, so it is not sent again
 *   (`DocketServerErrorNoRetry`, an operator pause; see its doc comment for why not a review).
 * - `true` on a status-only decision to give up (an unrecognised 4xx): the server knows better than a bare status,
 *   so it becomes a server error, retried but bounded by the server-error ceiling. Never on a recognised signal:
 *   a quota, a spend limit, an input too long or filtered do not change by sending it again.
 */
function applyShouldRetry(type: ErrorType, rule: ProviderErrorRule, signals: ErrorSignals): [ErrorType, string] {
  const shouldRetry = shouldRetryHeader(signals.headers);
  if (shouldRetry === false && ERROR_TYPE_CLASS[type] === 'transient') {
    return [ERROR_TYPES.serverErrorNoRetry, `${rule.name}, but x-should-retry: false`];
  }
  if (shouldRetry === true && rule.generic && ERROR_TYPE_CLASS[type] === 'operator') {
    return [ERROR_TYPES.serverError, `${rule.name}, but x-should-retry: true`];
  }
  return [type, rule.name];
}

function mapApiError(err: APIError): MappedFailure {
  const signals = readSignals(err);
  const rule = PROVIDER_ERROR_RULES.find((candidate) => ruleMatches(candidate, signals));
  // The table ends with a rule that matches everything.
  const [type, ruleName] = rule ? applyShouldRetry(rule.then, rule, signals) : [ERROR_TYPES.invalidRequest, 'none'];
  const code = typeof err.code === 'string' ? err.code : typeof err.code === 'number' ? String(err.code) : undefined;
  // A gateway that puts the status in `code` (LiteLLM's "429") adds nothing to the label.
  const named = code !== undefined && code !== String(err.status) ? code : undefined;
  const label = named ?? (typeof err.type === 'string' ? err.type : undefined) ?? '';
  const waited =
    ERROR_TYPE_CLASS[type] === 'transient'
      ? (retryAfterMs(signals.headers) ?? retryAfterFromWording(signals.text))
      : undefined;
  return failure(type, `${err.status ?? 'no status'} ${label}: ${err.message}`.trim(), {
    status: err.status,
    code,
    requestId: err.requestID ?? undefined,
    rule: ruleName,
    ...(waited !== undefined ? { retryAfterMs: waited } : {}),
  });
}

/**
 * The one mapping from a provider error to the error taxonomy, whatever gateway rewrote it (the rules live in
 * `PROVIDER_ERROR_RULES`). Returns `undefined` for an abort caused by cancellation, which must propagate as a
 * cancellation rather than as a provider failure.
 */
export function mapProviderError(err: unknown): MappedFailure | undefined {
  if (err instanceof APIUserAbortError) return undefined;
  if (err instanceof APIConnectionTimeoutError) {
    return failure(ERROR_TYPES.timeout, 'the LLM call timed out', { rule: 'client timeout' });
  }
  if (err instanceof APIConnectionError) {
    return failure(ERROR_TYPES.connectionError, `connection to the LLM provider failed: ${err.message}`, {
      rule: 'connection error',
    });
  }
  if (err instanceof APIError) return mapApiError(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return failure(ERROR_TYPES.connectionError, `connection to the LLM provider failed: ${code}`, {
      rule: 'connection error',
    });
  }
  return failure(ERROR_TYPES.serverError, `unexpected error calling the LLM: ${String(err)}`, {
    rule: 'unexpected error',
  });
}

import { PAUSE_REASON, REVIEW_REASON, type PauseReason, type ReviewReason } from './status.js';

/**
 * The error taxonomy of DESIGN.md §6. Every failure that crosses the activity boundary is an
 * `ApplicationFailure` whose `type` is one of `ERROR_TYPES` (never a class name, which bundling can change).
 */
export const ERROR_CLASS = {
  transient: 'transient',
  operator: 'operator',
  input: 'input',
  output: 'output',
  lowConfidence: 'low_confidence',
  /**
   * Docket's own database or Temporal server is unreachable: retried with backoff until it returns, never counted
   * toward the document's ceiling of failed calls, never paused, never shown as a provider error.
   */
  infrastructure: 'infrastructure',
} as const;
export type ErrorClass = (typeof ERROR_CLASS)[keyof typeof ERROR_CLASS];

export const ERROR_TYPES = {
  // transient: retried with backoff, jitter and Retry-After
  rateLimited: 'DocketRateLimited',
  /** A 429 with no rate-limit header or wording: retried a bounded number of times, then paused. */
  unconfirmedRateLimit: 'DocketUnconfirmedRateLimit',
  serverError: 'DocketServerError',
  connectionError: 'DocketConnectionError',
  timeout: 'DocketTimeout',
  /**
   * The outage breaker is open (transient failures everywhere, no success): no call was made. The workflow shows
   * `waiting_for_provider` and waits in an activity until a probe finds the provider back. Never counted, never paused.
   */
  providerOutage: 'DocketProviderOutage',
  // operator: never retried; the workflow pauses until `resume`
  insufficientQuota: 'DocketInsufficientQuota',
  authentication: 'DocketAuthentication',
  permissionDenied: 'DocketPermissionDenied',
  modelNotFound: 'DocketModelNotFound',
  invalidRequest: 'DocketInvalidRequest',
  budgetExhausted: 'DocketBudgetExhausted',
  /** A gateway's budget or spend limit (LiteLLM `budget_exceeded`, OpenRouter 402): never a rate limit. */
  gatewayBudgetExceeded: 'DocketGatewayBudgetExceeded',
  /**
   * A server error the provider marked `x-should-retry: false`: the same request cannot succeed, so it is not sent
   * again. An operator pause rather than a review: nothing says the document is at fault, a person would classify by
   * hand what the model classifies once the provider is fixed, and a provider-wide fault would flood the review
   * queue, while pauses resume in bulk.
   */
  serverErrorNoRetry: 'DocketServerErrorNoRetry',
  // input: never retried; the document goes to review
  contextLengthExceeded: 'DocketContextLengthExceeded',
  contentFiltered: 'DocketContentFiltered',
  /** The document's file cannot be read: encrypted, corrupt, or nothing extractable (src/extraction/). */
  unreadableDocument: 'DocketUnreadableDocument',
  // not an error of the provider: the document row is missing
  documentNotFound: 'DocketDocumentNotFound',
  // infrastructure: Docket's database or Temporal server unreachable; retried with backoff, never paused
  infrastructureUnavailable: 'DocketInfrastructureUnavailable',
} as const;
export type ErrorType = (typeof ERROR_TYPES)[keyof typeof ERROR_TYPES];

/** The class each `ApplicationFailure` type belongs to. */
export const ERROR_TYPE_CLASS: Record<ErrorType, ErrorClass> = {
  DocketRateLimited: 'transient',
  DocketUnconfirmedRateLimit: 'transient',
  DocketServerError: 'transient',
  DocketConnectionError: 'transient',
  DocketTimeout: 'transient',
  DocketProviderOutage: 'transient',
  DocketInsufficientQuota: 'operator',
  DocketAuthentication: 'operator',
  DocketPermissionDenied: 'operator',
  DocketModelNotFound: 'operator',
  DocketInvalidRequest: 'operator',
  DocketBudgetExhausted: 'operator',
  DocketGatewayBudgetExceeded: 'operator',
  DocketServerErrorNoRetry: 'operator',
  DocketContextLengthExceeded: 'input',
  DocketContentFiltered: 'input',
  DocketUnreadableDocument: 'input',
  DocketDocumentNotFound: 'operator',
  DocketInfrastructureUnavailable: 'infrastructure',
};

/** Types the LLM activity's retry policy must never retry. */
export const NON_RETRYABLE_ERROR_TYPES: ErrorType[] = (Object.keys(ERROR_TYPE_CLASS) as ErrorType[]).filter(
  (t) => ERROR_TYPE_CLASS[t] !== 'transient' && ERROR_TYPE_CLASS[t] !== 'infrastructure',
);

/** Where an operator failure leaves the document: the pause reason each type carries. */
export const PAUSE_REASON_BY_TYPE: Partial<Record<ErrorType, PauseReason>> = {
  DocketInsufficientQuota: PAUSE_REASON.quotaExhausted,
  DocketAuthentication: PAUSE_REASON.credentials,
  DocketPermissionDenied: PAUSE_REASON.credentials,
  DocketModelNotFound: PAUSE_REASON.modelNotFound,
  DocketInvalidRequest: PAUSE_REASON.badRequest,
  DocketBudgetExhausted: PAUSE_REASON.budgetExhausted,
  DocketGatewayBudgetExceeded: PAUSE_REASON.gatewayBudgetExceeded,
  DocketServerErrorNoRetry: PAUSE_REASON.providerSaysNoRetry,
  DocketDocumentNotFound: PAUSE_REASON.badRequest,
};

/** Where an input failure leaves the document: the review reason each type carries. */
export const REVIEW_REASON_BY_TYPE: Partial<Record<ErrorType, ReviewReason>> = {
  DocketContextLengthExceeded: REVIEW_REASON.inputTooLong,
  DocketContentFiltered: REVIEW_REASON.contentFiltered,
  DocketUnreadableDocument: REVIEW_REASON.unreadable,
};

/** Transient failures that tell of the provider's health (the outage breaker counts them); never rate limits. */
export const OUTAGE_ERROR_TYPES: ErrorType[] = [
  ERROR_TYPES.serverError,
  ERROR_TYPES.connectionError,
  ERROR_TYPES.timeout,
];

export function isErrorType(value: unknown): value is ErrorType {
  return typeof value === 'string' && value in ERROR_TYPE_CLASS;
}

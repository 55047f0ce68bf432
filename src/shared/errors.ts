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
} as const;
export type ErrorClass = (typeof ERROR_CLASS)[keyof typeof ERROR_CLASS];

export const ERROR_TYPES = {
  // transient: retried with backoff, jitter and Retry-After
  rateLimited: 'DocketRateLimited',
  serverError: 'DocketServerError',
  connectionError: 'DocketConnectionError',
  timeout: 'DocketTimeout',
  // operator: never retried; the workflow pauses until `resume`
  insufficientQuota: 'DocketInsufficientQuota',
  authentication: 'DocketAuthentication',
  permissionDenied: 'DocketPermissionDenied',
  modelNotFound: 'DocketModelNotFound',
  invalidRequest: 'DocketInvalidRequest',
  budgetExhausted: 'DocketBudgetExhausted',
  // input: never retried; the document goes to review
  contextLengthExceeded: 'DocketContextLengthExceeded',
  contentFiltered: 'DocketContentFiltered',
  // not an error of the provider: the document row is missing
  documentNotFound: 'DocketDocumentNotFound',
} as const;
export type ErrorType = (typeof ERROR_TYPES)[keyof typeof ERROR_TYPES];

/** The class each `ApplicationFailure` type belongs to. */
export const ERROR_TYPE_CLASS: Record<ErrorType, ErrorClass> = {
  DocketRateLimited: 'transient',
  DocketServerError: 'transient',
  DocketConnectionError: 'transient',
  DocketTimeout: 'transient',
  DocketInsufficientQuota: 'operator',
  DocketAuthentication: 'operator',
  DocketPermissionDenied: 'operator',
  DocketModelNotFound: 'operator',
  DocketInvalidRequest: 'operator',
  DocketBudgetExhausted: 'operator',
  DocketContextLengthExceeded: 'input',
  DocketContentFiltered: 'input',
  DocketDocumentNotFound: 'operator',
};

/** Types the LLM activity's retry policy must never retry. */
export const NON_RETRYABLE_ERROR_TYPES: ErrorType[] = (Object.keys(ERROR_TYPE_CLASS) as ErrorType[]).filter(
  (t) => ERROR_TYPE_CLASS[t] !== 'transient',
);

export function isErrorType(value: unknown): value is ErrorType {
  return typeof value === 'string' && value in ERROR_TYPE_CLASS;
}

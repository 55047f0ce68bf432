/** Document statuses of DESIGN.md §5 (public contract). */
export const DOCUMENT_STATUS = {
  classifying: 'classifying',
  pendingReview: 'pending_review',
  paused: 'paused',
  completed: 'completed',
  failed: 'failed',
} as const;
export type DocumentStatus = (typeof DOCUMENT_STATUS)[keyof typeof DOCUMENT_STATUS];
export const DOCUMENT_STATUSES = Object.values(DOCUMENT_STATUS) as [DocumentStatus, ...DocumentStatus[]];

/** Why a document waits for a person. */
export const REVIEW_REASON = {
  inputTooLong: 'input_too_long',
  contentFiltered: 'content_filtered',
  invalidOutput: 'invalid_output',
  lowConfidence: 'low_confidence',
  /** The document holds instructions aimed at the model (DOCKET_INJECTION_POLICY=review). */
  suspiciousInstructions: 'suspicious_instructions',
  /** The file cannot be read: encrypted, corrupt, or nothing extractable (and no vision model for its images). */
  unreadable: 'unreadable',
  /**
   * A confident result, already stored (the document is `completed`), drawn for a check by a person (`isAudited`,
   * DOCKET_AUDIT_RATE): what the accuracy of auto-accepted results is estimated from.
   */
  audit: 'audit',
} as const;
export type ReviewReason = (typeof REVIEW_REASON)[keyof typeof REVIEW_REASON];

/** Why a document waits for an operator. */
export const PAUSE_REASON = {
  credentials: 'credentials',
  quotaExhausted: 'quota_exhausted',
  budgetExhausted: 'budget_exhausted',
  /** A gateway in front of the provider refused on its own budget or spend limit. */
  gatewayBudgetExceeded: 'gateway_budget_exceeded',
  badRequest: 'bad_request',
  modelNotFound: 'model_not_found',
  retriesExhausted: 'retries_exhausted',
  /** 429s that never looked like a rate limit (no rate-limit header or wording) kept coming. */
  unconfirmedRateLimit: 'unconfirmed_rate_limit',
  /** The provider answered a server error with `x-should-retry: false`: sending the same request again cannot help. */
  providerSaysNoRetry: 'provider_says_no_retry',
} as const;
export type PauseReason = (typeof PAUSE_REASON)[keyof typeof PAUSE_REASON];

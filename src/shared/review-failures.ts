/**
 * The `ApplicationFailure` types with which `classifyDocumentWorkflow`'s `submitReview` validator rejects a decision
 * (wire names: they never change once shipped). The API answers the first and last with 400, the second with 409.
 */
export const REVIEW_FAILURE_TYPES = {
  /** The payload does not parse as a review decision. */
  invalidReview: 'DocketInvalidReview',
  /** No review is pending (never was, or another decision came first). */
  noReviewPending: 'DocketNoReviewPending',
  /** The category is not one of the document's taxonomy. */
  categoryNotInTaxonomy: 'DocketCategoryNotInTaxonomy',
} as const;
export type ReviewFailureType = (typeof REVIEW_FAILURE_TYPES)[keyof typeof REVIEW_FAILURE_TYPES];

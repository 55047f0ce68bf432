import type { ClassificationOutput } from './classification.js';
import type { ErrorClass } from './errors.js';
import type { DocumentStatus, PauseReason, ReviewReason } from './status.js';
import type { Taxonomy } from './taxonomy.js';

/** Input of `classifyDocumentWorkflow`. Carries ids and settings, never the document text. */
export interface ClassifyDocumentInput {
  documentId: string;
  taxonomy: Taxonomy;
  model: string;
  promptVersion: string;
  /** Valid answers below it go to review. */
  confidenceThreshold: number;
  /** Consecutive server errors on this document before it pauses. */
  serverErrorCeiling: number;
  batchId?: string;
  /** How long a review may wait, and what happens then. */
  review: { timeoutMs: number; timeoutPolicy: ReviewTimeoutPolicy };
}

/** What happens when nobody decides a review in time. */
export type ReviewTimeoutPolicy = 'escalate' | 'accept' | 'fail';

export interface DocumentResult extends ClassificationOutput {
  decidedBy: 'model' | 'human';
  reviewer?: string;
  note?: string;
  /** The model's suggestion was stored because nobody reviewed it in time (policy `accept`). */
  unreviewed?: boolean;
  model: string;
  promptVersion: string;
}

export interface ClassifyDocumentResult {
  documentId: string;
  status: DocumentStatus;
  result?: DocumentResult;
  failureReason?: string;
}

/** What the `status` query returns. */
export interface DocumentProgress {
  documentId: string;
  status: DocumentStatus;
  /** What the workflow is doing now, e.g. `calling_llm`, `repairing`, `waiting_for_review`. */
  stage: string;
  /** LLM activity executions started so far (each may have retried). */
  attempts: number;
  lastErrorClass?: ErrorClass;
  lastErrorType?: string;
  lastErrorMessage?: string;
  pauseReason?: PauseReason;
  reviewReason?: ReviewReason;
  /** The model's answer when a person must decide. */
  suggestion?: ClassificationOutput;
  result?: DocumentResult;
  /** The review deadline passed under the `escalate` policy. */
  escalated?: boolean;
  failureReason?: string;
}

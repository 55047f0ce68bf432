import type { BatchApiDocumentSettings, BatchApiProgress, DocketMode } from './batch-api.js';
import type { ClassificationOutput } from './classification.js';
import type { ErrorClass } from './errors.js';
import type { ExtractionMethod, UnreadableReason } from './extraction.js';
import type { LongDocumentStrategy } from './long-documents.js';
import type { DocumentResult } from './result.js';
import type { DocumentStatus, PauseReason, ReviewReason } from './status.js';
import type { CanarySplit, Variant } from './split.js';
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
  /** The canary variant this document was routed to, when a canary was active. */
  variant?: 'baseline' | 'candidate';
  /** A stronger model tried once on low confidence or invalid output, before a person. */
  cascadeModel?: string;
  /** A larger-context model for a document over the first model's context window. */
  largeContextModel?: string;
  /**
   * What a document over the model's context window gets instead of a review, after the larger-context model
   * (DOCKET_LONG_DOCUMENTS); `maxChunks` bounds the calls of `chunk-vote`. Absent: review (`input_too_long`).
   */
  longDocuments?: { strategy: LongDocumentStrategy; maxChunks: number };
  /**
   * What a document holding instructions aimed at the model gets: `review` (a person decides) or `flag` (the answer
   * is stored, marked). Absent (workflows started before it existed): `flag`.
   */
  injectionPolicy?: 'flag' | 'review';
  /**
   * The document was submitted as a file (`document_files`): its text is extracted (`extractDocumentText`) before it is
   * classified. Absent: a text document, nothing to extract.
   */
  fromFile?: boolean;
  /** How the model is called. Absent (workflows started before modes existed): `realtime`. */
  mode?: DocketMode;
  /** The Batch API path's settings, with `mode: 'batch_api'`. */
  batchApi?: BatchApiDocumentSettings;
}

/** What happens when nobody decides a review in time. */
export type ReviewTimeoutPolicy = 'escalate' | 'accept' | 'fail';

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
  /** When the document began waiting for a person (ISO, workflow time). */
  pendingReviewSince?: string;
  result?: DocumentResult;
  /** The review deadline passed under the `escalate` policy. */
  escalated?: boolean;
  /** Injection signals found in the document, when any. */
  suspiciousInstructions?: string[];
  failureReason?: string;
  /** A file document's extraction, once it ran (absent for a text document). */
  extraction?: ExtractionProgress;
  /** How the document's model calls are made, when it was submitted with a mode. */
  mode?: DocketMode;
  /** The Batch API request the document waits for (or last waited for), and its provider job once created. */
  batchApi?: BatchApiProgress;
}

/**
 * What the `status` query tells of a file document's extraction: small facts, never its text. `unreadable`: the
 * file cannot be read (the reason says why) and the document waits for review with reason `unreadable`.
 */
export type ExtractionProgress =
  | {
      outcome: 'extracted';
      method: ExtractionMethod;
      /** `<package>@<version>` of what read the file. */
      extractor?: string;
      /** The file's detected type. */
      mediaType?: string;
      /** Pages in the file (PDF). */
      pages?: number;
      /** Pages read, when fewer than `pages`. */
      pagesRead?: number;
      /** Characters of the text the model reads. */
      chars: number;
      /** Page images stored (for a vision model and the review page). */
      images: number;
      /** The LLM call attaches the page images. */
      needsVision: boolean;
    }
  | { outcome: 'unreadable'; unreadableReason: UnreadableReason };

/** Input of `classifyBatchWorkflow`. The document ids live in the database (`batch_documents`), not in history. */
export interface ClassifyBatchInput {
  batchId: string;
  /** Everything a child needs except its document id. */
  document: Omit<ClassifyDocumentInput, 'documentId' | 'batchId'>;
  total: number;
  /** Children in flight (not yet settled) at most. */
  window: number;
  /** Children started per run before continuing as new. @default 500 */
  childrenPerRun?: number;
  /** A canary in force when the batch started: each document gets the variant its id falls in. */
  canary?: CanarySplit;
  /** Carried across continue-as-new. */
  progress?: BatchProgress;
}

/** Where a batch stands; what the `progress` query returns. */
export interface BatchProgress {
  batchId: string;
  total: number;
  /** Position of the last document handed to a child. */
  cursor: number;
  /** Children started (or found already running). */
  started: number;
  /** Documents that reached a resting status, by the first status they reached. */
  settled: Record<string, number>;
  /** Documents already classified before the batch reached them: no LLM call. */
  skipped: number;
  done: boolean;
  /** Runs of this workflow so far (continue-as-new). */
  runs: number;
}

export interface ClassifyBatchResult {
  batchId: string;
  progress: BatchProgress;
}

/** Sent by a batch's child when it first reaches completed, pending_review, paused or failed. */
export interface DocumentSettled {
  documentId: string;
  status: DocumentStatus;
}

/** Input of `compareConfigurationsWorkflow`: the same documents through two prompt/model configurations. */
export interface CompareInput {
  compareId: string;
  documentIds: string[];
  taxonomy: Taxonomy;
  a: Variant;
  b: Variant;
  /** Calls in flight at once. @default 8 */
  concurrency?: number;
}

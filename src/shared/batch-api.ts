import { defineSignal } from '@temporalio/workflow';

/** How a document's model call is made (DESIGN.md §2–§4): `realtime` chat completions or the OpenAI Batch API. */
export const DOCKET_MODE = { realtime: 'realtime', batchApi: 'batch_api' } as const;
export type DocketMode = (typeof DOCKET_MODE)[keyof typeof DOCKET_MODE];
export const DOCKET_MODES = Object.values(DOCKET_MODE) as [DocketMode, ...DocketMode[]];

/** The stage a batch-mode document shows while its request waits in a queue or in a provider job. */
export const WAITING_FOR_BATCH_API = 'waiting_for_batch_api';

/** What a `batch_api` document carries in its workflow input, fixed at submission. */
export interface BatchApiDocumentSettings {
  /** Waiting longer than this (from the first request) falls back to realtime (DOCKET_BATCH_API_DEADLINE). */
  deadlineMs: number;
  /** Where a repair or a cascade goes: the next job, or a realtime call (DOCKET_BATCH_API_REPAIR). */
  repair: 'batch' | 'realtime';
  /** Transient error lines re-queued into a later job before the document falls back to realtime. */
  maxRequeues: number;
}

/** How the coordinator of one model groups requests into provider jobs and respects the provider's limits. */
export interface BatchApiQueueSettings {
  /** Requests per job (OpenAI: 50,000). */
  maxRequestsPerJob: number;
  /** Bytes of JSONL per job (OpenAI: 200 MB per file). */
  maxBytesPerJob: number;
  /** A job is formed once this many prompt tokens are queued, unset: only size and time count. */
  jobTokenBudget?: number;
  /** Longest a queued request waits for others before its job is formed, ms. */
  maxWaitMs: number;
  /** Prompt tokens in unfinished jobs per model (the provider's enqueued-token limit); unset: learned from errors. */
  maxQueuedTokens?: number;
  /** Polling of a job: the first delay, grown by half each time up to the cap, ms. */
  pollInitialMs: number;
  pollMaxMs: number;
}

/** Input of `batchApiQueueWorkflow`: one per model, started (or signalled) by the first request queued. */
export interface BatchApiQueueInput {
  model: string;
  settings: BatchApiQueueSettings;
  /** Carried across continue-as-new: requests signalled but not yet in a job, and an enqueued-token limit learned. */
  carried?: { pending: number; pendingTokens: number; learnedMaxQueuedTokens?: number; formations: number };
}

/** Input of `batchApiJobWorkflow`: one provider job, whose requests the database holds under `jobKey`. */
export interface BatchApiJobInput {
  jobKey: string;
  model: string;
  pollInitialMs: number;
  pollMaxMs: number;
}

export interface BatchApiJobResult {
  jobKey: string;
  providerJobId?: string;
  /** The provider's final status, or `refused` when it would not create the job (its requests were re-queued). */
  status: string;
  answered: number;
  errorLines: number;
  requeued: number;
  duplicates: number;
}

/** Told to the queue: requests queued (by documents) or re-queued (by a job), and what a refusal taught. */
export interface BatchApiQueued {
  requests: number;
  tokens: number;
  /** A job ended: its tokens no longer count toward the enqueued-token limit. */
  released?: boolean;
  /** The provider refused a job over its enqueued-token limit and named it. */
  learnedMaxQueuedTokens?: number;
}

/** What a document hears about its request. Ids only: the answer itself stays in the database. */
export interface BatchApiNotice {
  customId: string;
  /** `submitted`: its job was created; `answered` / `error_line`: its line came back; `requeued`: into a new job. */
  outcome: 'submitted' | 'answered' | 'error_line' | 'requeued';
  providerJobId?: string;
}

/** What the status query shows of a batch-mode document's current request. */
export interface BatchApiProgress {
  customId: string;
  providerJobId?: string;
  /** When the document first queued a request (ISO, workflow time): the deadline counts from here. */
  queuedAt: string;
}

export const batchApiQueuedSignal = defineSignal<[BatchApiQueued]>('batchApiQueued');
export const batchApiNoticeSignal = defineSignal<[BatchApiNotice]>('batchApiNotice');

/** Workflow ID of the coordinator of one model's queue. */
export function batchApiQueueWorkflowId(model: string): string {
  return `batch-api-queue-${model}`;
}

/** Workflow ID of the workflow that owns one provider job. */
export function batchApiJobWorkflowId(jobKey: string): string {
  return `batch-api-job-${jobKey}`;
}

/** The line's custom_id for the `n`th Batch API request of a document: `<documentId>:<n>`. */
export function batchApiCustomId(documentId: string, n: number): string {
  return `${documentId}:${n}`;
}

/** The document and request number a custom_id names (the inverse of {@link batchApiCustomId}), or undefined. */
export function parseCustomId(customId: string): { documentId: string; n: number } | undefined {
  const colon = customId.lastIndexOf(':');
  const n = customId.slice(colon + 1);
  return colon > 0 && /^\d+$/.test(n) ? { documentId: customId.slice(0, colon), n: Number(n) } : undefined;
}

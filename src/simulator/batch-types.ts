import type { FaultKind } from './types.js';

/**
 * The compressed clock of a Batch API job. A job validates for `validatingMs`, runs its lines one after the other,
 * `perRequestMs` each, finalizes for `finalizingMs` and completes; a job whose lines are not all done `windowMs` after
 * its creation expires instead. Nothing ticks: every read computes the job's state from these and its timestamps.
 */
export interface BatchClock {
  /** Time in `validating`. @default 500 */
  validatingMs: number;
  /** Time per line while `in_progress` (lines run one at a time, in the job's shuffled order). @default 5 */
  perRequestMs: number;
  /** Time in `finalizing` once every line is done. @default 500 */
  finalizingMs: number;
  /** Time in `cancelling` before `cancelled`. @default 500 */
  cancellingMs: number;
  /** The completion window: a job not done this long after its creation expires. @default 86400000 (24 h) */
  windowMs: number;
}

/** A job's status, as OpenAI names it. */
export type BatchStatus =
  'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** The Batch API's limits (OpenAI's, unless lowered for tests). */
export interface BatchLimits {
  /** Requests per input file; more fails the job at validation (`too_many_tasks`). @default 50000 */
  maxRequestsPerFile: number;
  /** Bytes per `purpose: "batch"` upload; a larger upload is refused with a 400. @default 209715200 (200 MB) */
  maxBytesPerFile: number;
  /**
   * Prompt tokens that may be enqueued per model across the jobs not yet finished; a job that would exceed it fails
   * at validation with `token_limit_exceeded` ("Enqueued token limit reached for <model> …"). Models not listed have
   * no limit. @default {}
   */
  maxEnqueuedTokens: Record<string, number>;
}

/** A change to the Batch API's limits: a model's enqueued-token limit set to `null` is lifted. */
export type BatchLimitsPatch = Partial<Omit<BatchLimits, 'maxEnqueuedTokens'>> & {
  maxEnqueuedTokens?: Record<string, number | null>;
};

/** What a Batch API fault does to the job it applies to. */
export const BATCH_FAULT_KINDS = [
  'validation_failed',
  'token_limit_exceeded',
  'expire',
  'error_lines',
  'missing_lines',
  'duplicate_lines',
  'slow_output',
] as const;

/**
 * - `validation_failed`: the job ends `failed` after validating, with `errors` (default one `invalid_json_line`).
 * - `token_limit_exceeded`: the job fails validation with OpenAI's enqueued-token error for its model.
 * - `expire`: the job expires once `share` of its lines are done (default half): those in the output (or error)
 *   file, the rest in the error file as `batch_expired`.
 * - `error_lines`: the chosen lines are answered with `error`, an error fault of the realtime simulator (default
 *   `server_error`; e.g. `rate_limit`, `context_length_exceeded`), written to the error file as OpenAI writes them.
 * - `missing_lines`: the chosen lines run (and are billed) but appear in neither file.
 * - `duplicate_lines`: the chosen lines appear twice in their file.
 * - `slow_output`: the job's files appear `ms` after the job ends (`stage: 'content'`: the ids are set but the files
 *   answer 404 until then), or the job stays `finalizing` `ms` longer (`stage: 'finalizing'`). Default 1000 ms.
 *
 * Lines are chosen by `customIds`, else a `share` of them (drawn with the seed), else one line.
 */
export type BatchFaultKind = (typeof BATCH_FAULT_KINDS)[number];

/** An error in a failed job's `errors.data`, as OpenAI reports it. */
export interface BatchValidationError {
  code: string;
  message: string;
  /** The 1-based line of the input file, when the error is about one line. */
  line?: number | null;
  param?: string | null;
}

/** A Batch API fault, by name (with its defaults) or with parameters. */
export type BatchFaultSpec =
  | BatchFaultKind
  | {
      kind: BatchFaultKind;
      /** `error_lines`, `missing_lines`, `duplicate_lines`: exactly these lines. */
      customIds?: string[];
      /** `error_lines`, `missing_lines`, `duplicate_lines`: this share of the lines; `expire`: the share done. */
      share?: number;
      /** `error_lines`: the realtime error fault each chosen line answers. @default 'server_error' */
      error?: FaultKind;
      /** `validation_failed`: the errors reported. */
      errors?: BatchValidationError[];
      /** `token_limit_exceeded`: the limit named in the message. @default the model's limit, else 2000000 */
      limit?: number;
      /** `slow_output`: how long the files (or the finalizing) take. @default 1000 */
      ms?: number;
      /** `slow_output`: what is slow. @default 'content' */
      stage?: 'content' | 'finalizing';
    };

/**
 * Applies its faults, all together, to the next job created whose metadata holds every pair of `metadata` (any job
 * when absent). It applies to `batches` jobs (default 1), then stops matching, unless `repeat: true`. The first
 * matching rule with uses left wins. A job's faults are decided when it is created.
 */
export interface BatchFaultRule {
  metadata?: Record<string, string>;
  faults: BatchFaultSpec[];
  /** @default 1 */
  batches?: number;
  repeat?: boolean;
}

/** The Files and Batches operations, named as the `openai` SDK names them. */
export const BATCH_API_OPERATIONS = [
  'files.create',
  'files.retrieve',
  'files.list',
  'files.delete',
  'files.content',
  'batches.create',
  'batches.retrieve',
  'batches.list',
  'batches.cancel',
] as const;
export type BatchApiOperation = (typeof BATCH_API_OPERATIONS)[number];

/** One request to the Files or Batches API, as the simulator saw and answered it. */
export interface BatchApiRequest {
  seq: number;
  operation: BatchApiOperation;
  method: string;
  path: string;
  receivedAt: number;
  finishedAt?: number;
  status?: number;
  /** The file uploaded, read or deleted. */
  fileId?: string;
  /** The job created, read or cancelled. */
  batchId?: string;
}

/** How one line of a job ended (so far). */
export type BatchLineOutcome = 'pending' | 'succeeded' | 'failed' | 'expired' | 'not_run';

/** One line of a job: its outcome, how often it is returned and what it was billed. */
export interface BatchLineReport {
  customId: string;
  outcome: BatchLineOutcome;
  /** The HTTP status of its answer, once done. */
  statusCode?: number;
  /** The realtime fault or Batch API fault that shaped it. */
  fault?: string;
  /** How many times it appears in the job's output and error files (0 while running, or when missing). */
  returned: number;
  /** Tokens billed for it: zero unless it succeeded. */
  billed: { promptTokens: number; cachedTokens: number; completionTokens: number };
}

/** A job as `GET /_sim/batches` reports it. */
export interface BatchJobReport {
  id: string;
  status: BatchStatus;
  model: string | null;
  metadata: Record<string, string> | null;
  inputFileId: string;
  outputFileId: string | null;
  errorFileId: string | null;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  /** The Batch API faults applied. */
  faults: BatchFaultKind[];
  /** Prompt tokens enqueued while it runs. */
  enqueuedTokens: number;
  lines: BatchLineReport[];
}

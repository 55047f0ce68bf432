import { BATCH_EXPIRED } from './batch-errors.js';
import { FINAL_STATUSES, jobPhase, type JobPhase, type JobTimeline } from './batch-clock.js';
import type {
  BatchFaultKind,
  BatchJobReport,
  BatchLineReport,
  BatchStatus,
  BatchValidationError,
} from './batch-types.js';
import { BATCH_FILE_TTL_MS, type FileStore } from './files.js';

/** Tokens billed for one line. */
export interface LineBilling {
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
}

/** One line of a job, answered when the job was created and revealed by its clock. */
export interface BatchLine {
  customId: string;
  /** `batch_req_…` */
  id: string;
  requestId: string;
  statusCode: number;
  /** The completion (200) or OpenAI's error body. */
  body: unknown;
  /** Zero unless it succeeded. */
  billed: LineBilling;
  fault?: string | undefined;
  /** Runs, is billed, and appears in neither file. */
  missing: boolean;
  /** Appears twice in its file. */
  duplicate: boolean;
}

/** A Batch API job. */
export interface BatchJob {
  id: string;
  seq: number;
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  model: string | null;
  timeline: JobTimeline;
  /** Why validation failed, when it does. */
  errors: BatchValidationError[] | null;
  /** In run order: the order they finish and are written in. */
  lines: BatchLine[];
  faults: BatchFaultKind[];
  enqueuedTokens: number;
  /** A `slow_output` fault on the content stage: the files appear this long after the job ends. */
  slowContentMs: number;
  outputFileId: string | null;
  errorFileId: string | null;
  filesWritten: boolean;
}

/** Every job, with the files they write once they end. */
export class BatchStore {
  private readonly jobs = new Map<string, BatchJob>();
  private seq = 0;

  add(job: Omit<BatchJob, 'seq'>): BatchJob {
    this.seq += 1;
    const stored = { ...job, seq: this.seq };
    this.jobs.set(stored.id, stored);
    return stored;
  }

  get(id: string): BatchJob | undefined {
    return this.jobs.get(id);
  }

  /** Newest first, as OpenAI lists them. */
  list(): BatchJob[] {
    return [...this.jobs.values()].sort((a, b) => b.seq - a.seq);
  }

  clear(): void {
    this.jobs.clear();
    this.seq = 0;
  }

  /** Writes the output and error files of every job that has ended by `now` (once each). */
  settle(now: number, files: FileStore): void {
    for (const job of this.jobs.values()) {
      if (job.filesWritten) continue;
      const phase = jobPhase(job.timeline, now);
      if (phase.endedAt !== undefined) writeFiles(job, phase, phase.endedAt, files);
    }
  }

  /** Prompt tokens enqueued for `model` by the jobs that are still running at `now`. */
  enqueuedTokens(model: string, now: number): number {
    let total = 0;
    for (const job of this.jobs.values()) {
      if (job.errors || job.model === null || baseModel(job.model) !== baseModel(model)) continue;
      if (!FINAL_STATUSES.has(jobPhase(job.timeline, now).status)) total += job.enqueuedTokens;
    }
    return total;
  }

  /** Starts cancelling a running job (a second cancel changes nothing); the status it had when it had ended. */
  cancel(job: BatchJob, now: number): BatchStatus | undefined {
    if (job.timeline.cancelledAt !== undefined) return undefined;
    const { status } = jobPhase(job.timeline, now);
    if (FINAL_STATUSES.has(status)) return status;
    job.timeline.cancelledAt = now;
    return undefined;
  }
}

/** A job as OpenAI's Batches API returns it (timestamps in seconds, null until they happen). */
export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  model: string | null;
  errors: { object: 'list'; data: BatchValidationError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
  metadata: Record<string, string> | null;
}

/** The job as OpenAI's Batches API returns it at `now`. */
export function batchObject(job: BatchJob, now: number): BatchObject {
  const phase = jobPhase(job.timeline, now);
  const done = job.lines.slice(0, phase.linesDone);
  const succeeded = done.filter((line) => line.statusCode === 200);
  const expired = phase.status === 'expired' ? job.lines.length - done.length : 0;
  const billed = sumBilling(done);
  return {
    id: job.id,
    object: 'batch',
    endpoint: job.endpoint,
    model: job.model,
    errors: job.errors && phase.status === 'failed' ? { object: 'list', data: job.errors } : null,
    input_file_id: job.inputFileId,
    completion_window: job.completionWindow,
    status: phase.status,
    output_file_id: job.outputFileId,
    error_file_id: job.errorFileId,
    created_at: Math.floor(job.timeline.createdAt / 1000),
    in_progress_at: seconds(phase.inProgressAt),
    expires_at: seconds(phase.expiresAt),
    finalizing_at: seconds(phase.finalizingAt),
    completed_at: seconds(phase.completedAt),
    failed_at: seconds(phase.failedAt),
    expired_at: seconds(phase.expiredAt),
    cancelling_at: seconds(phase.cancellingAt),
    cancelled_at: seconds(phase.cancelledAt),
    request_counts: {
      total: phase.inProgressAt === undefined && phase.status !== 'expired' ? 0 : job.lines.length,
      completed: succeeded.length,
      failed: done.length - succeeded.length + expired,
    },
    usage: {
      input_tokens: billed.promptTokens,
      input_tokens_details: { cached_tokens: billed.cachedTokens },
      output_tokens: billed.completionTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: billed.promptTokens + billed.completionTokens,
    },
    metadata: job.metadata,
  };
}

/** A job as `GET /_sim/batches` reports it at `now`: its lines' outcomes, how often each is returned, its billing. */
export function jobReport(job: BatchJob, now: number): BatchJobReport {
  const phase = jobPhase(job.timeline, now);
  return {
    id: job.id,
    status: phase.status,
    model: job.model,
    metadata: job.metadata,
    inputFileId: job.inputFileId,
    outputFileId: job.outputFileId,
    errorFileId: job.errorFileId,
    createdAt: job.timeline.createdAt,
    faults: job.faults,
    enqueuedTokens: job.enqueuedTokens,
    lines: job.lines.map((line, index) => lineReport(job, phase, line, index)),
  };
}

function lineReport(job: BatchJob, phase: JobPhase, line: BatchLine, index: number): BatchLineReport {
  const done = index < phase.linesDone;
  const outcome = done
    ? line.statusCode === 200
      ? 'succeeded'
      : 'failed'
    : phase.status === 'expired'
      ? 'expired'
      : phase.status === 'cancelled' || phase.status === 'cancelling'
        ? 'not_run'
        : 'pending';
  const written = job.filesWritten && outcome !== 'not_run' && !line.missing;
  return {
    customId: line.customId,
    outcome,
    ...(done ? { statusCode: line.statusCode } : {}),
    ...(line.fault === undefined ? {} : { fault: line.fault }),
    returned: written ? (line.duplicate ? 2 : 1) : 0,
    billed: done ? line.billed : { promptTokens: 0, cachedTokens: 0, completionTokens: 0 },
  };
}

/**
 * Writes a job's files as OpenAI does: the output file holds the lines that succeeded, the error file the lines that
 * failed and, for an expired job, those it never ran (`batch_expired`). A file is written only when it has lines.
 */
function writeFiles(job: BatchJob, phase: JobPhase, endedAt: number, files: FileStore): void {
  job.filesWritten = true;
  const output: string[] = [];
  const errors: string[] = [];
  job.lines.forEach((line, index) => {
    if (line.missing) return;
    const done = index < phase.linesDone;
    if (!done && phase.status !== 'expired') return;
    const row = JSON.stringify(
      done
        ? {
            id: line.id,
            custom_id: line.customId,
            response: { status_code: line.statusCode, request_id: line.requestId, body: line.body },
            error: null,
          }
        : { id: line.id, custom_id: line.customId, response: null, error: BATCH_EXPIRED },
    );
    const target = done && line.statusCode === 200 ? output : errors;
    target.push(row);
    if (line.duplicate) target.push(row);
  });
  const write = (rows: string[], kind: 'output' | 'error'): string | null =>
    rows.length === 0
      ? null
      : files.add({
          purpose: 'batch_output',
          filename: `${job.id}_${kind}.jsonl`,
          content: Buffer.from(`${rows.join('\n')}\n`),
          createdAt: endedAt,
          expiresAt: endedAt + BATCH_FILE_TTL_MS,
          availableAt: endedAt + job.slowContentMs,
        }).id;
  job.outputFileId = write(output, 'output');
  job.errorFileId = write(errors, 'error');
}

function sumBilling(lines: readonly BatchLine[]): LineBilling {
  const total: LineBilling = { promptTokens: 0, cachedTokens: 0, completionTokens: 0 };
  for (const { billed } of lines) {
    total.promptTokens += billed.promptTokens;
    total.cachedTokens += billed.cachedTokens;
    total.completionTokens += billed.completionTokens;
  }
  return total;
}

function seconds(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.floor(ms / 1000);
}

function baseModel(model: string): string {
  return model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
}

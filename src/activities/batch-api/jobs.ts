import { ApplicationFailure, Context } from '@temporalio/activity';
import { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import {
  enqueuedTokens,
  formBatchApiJobs as formJobs,
  getBatchApiJob,
  jobInputLines,
  updateBatchApiJob,
  withdrawBatchApiRequest,
  workflowsOfJob,
  type BatchApiJobRow,
  type FormedJob,
} from '../../db/batch-api.js';
import { settleBudget } from '../../db/limits.js';
import { ERROR_TYPES } from '../../shared/errors.js';
import { heartbeating } from '../execution.js';
import type { BatchApiActivityDeps } from './deps.js';
import { noticeDocuments } from './notify.js';

/** Input of `formBatchApiJobs`. */
export interface FormBatchApiJobsInput {
  /** Unique per formation of the queue's workflow: a retried activity returns the jobs it formed. */
  formationKey: string;
  model: string;
  /** The enqueued-token limit the provider taught (it refused a job over it), when lower than the configured one. */
  learnedMaxQueuedTokens?: number;
}

export interface FormBatchApiJobsResult {
  jobs: FormedJob[];
  /** Requests still queued (over the enqueued-token limit), and their tokens. */
  remaining: number;
  remainingTokens: number;
}

/** A job's status as the provider reports it, and the files to read once it is final. */
export interface PolledJob {
  status: Batch['status'] | 'refused' | 'empty';
  final: boolean;
  outputFileId?: string;
  errorFileId?: string;
  /** The job failed validation: OpenAI's errors (e.g. `token_limit_exceeded`). */
  errors?: { code: string; message: string }[];
}

const FINAL_STATUSES = new Set(['completed', 'failed', 'expired', 'cancelled']);
/** How far back the provider's job list is searched for a job Docket created but did not record, seconds. */
const RECOVERY_WINDOW_S = 3_600;

/** The Batch API activities about jobs: forming them from the queue, creating them once, reading their status. */
export function createBatchApiJobActivities(deps: BatchApiActivityDeps) {
  return {
    /**
     * Groups the model's queued requests into jobs within the per-job limits and the enqueued-token allowance
     * (configured or learned, less what unfinished jobs hold).
     */
    async formBatchApiJobs(input: FormBatchApiJobsInput): Promise<FormBatchApiJobsResult> {
      const limit = minDefined(deps.batchApi.maxQueuedTokens, input.learnedMaxQueuedTokens);
      const enqueued = limit === undefined ? 0 : await enqueuedTokens(deps.pool, input.model);
      const allowance = limit === undefined ? undefined : limit - enqueued;
      return formJobs(deps.pool, {
        formationKey: input.formationKey,
        model: input.model,
        maxRequestsPerJob: deps.batchApi.maxRequestsPerJob,
        maxBytesPerJob: deps.batchApi.maxBytesPerJob,
        ...(allowance === undefined ? {} : { tokenAllowance: Math.max(0, allowance), nothingEnqueued: enqueued === 0 }),
      });
    },

    /**
     * Creates the provider job of `jobKey` once: a job already recorded is returned; a job created by an attempt that
     * died before recording it is found by its `docket_key` metadata; only then is the file uploaded and the job
     * created. Its documents then hear the job's id.
     */
    async submitBatchApiJob(input: { jobKey: string }): Promise<{ providerJobId?: string; status: string }> {
      return heartbeating(() => submitJob(deps, input.jobKey));
    },

    /** The job's status at the provider, recorded. */
    async pollBatchApiJob(input: { jobKey: string }): Promise<PolledJob> {
      const job = await requireJob(deps, input.jobKey);
      if (!job.providerJobId) return { status: 'empty', final: true };
      const batch = await deps.openai.batches.retrieve(job.providerJobId, { maxRetries: 0 });
      const final = FINAL_STATUSES.has(batch.status);
      await updateBatchApiJob(deps.pool, job.jobKey, {
        status: batch.status,
        outputFileId: batch.output_file_id ?? null,
        errorFileId: batch.error_file_id ?? null,
        finished: final,
      });
      return {
        status: batch.status,
        final,
        ...(batch.output_file_id ? { outputFileId: batch.output_file_id } : {}),
        ...(batch.error_file_id ? { errorFileId: batch.error_file_id } : {}),
        ...(batch.errors?.data?.length
          ? { errors: batch.errors.data.map((e) => ({ code: e.code ?? 'unknown', message: e.message ?? '' })) }
          : {}),
      };
    },

    /**
     * A document stops waiting for its request (cancelled, or past its deadline): the request takes no answer, and a
     * provider job nobody waits for any more is cancelled (its finished lines are still collected and paid).
     */
    async withdrawBatchApiRequest(input: { customId: string }): Promise<void> {
      const { jobKey, waiting, unspent } = await withdrawBatchApiRequest(deps.pool, input.customId);
      if (unspent) await settleBudget(deps.pool, unspent.day, unspent.reservedUsd, 0);
      if (!jobKey || waiting > 0) return;
      const job = await requireJob(deps, jobKey);
      if (!job.providerJobId || FINAL_STATUSES.has(job.status)) return;
      await deps.openai.batches.cancel(job.providerJobId, { maxRetries: 0 });
      deps.logger.info(
        { jobKey, providerJobId: job.providerJobId },
        'Batch API job cancelled: no document waits for it',
      );
    },
  };
}

/** Creates the job once and tells its documents (see `submitBatchApiJob`). */
async function submitJob(
  deps: BatchApiActivityDeps,
  jobKey: string,
): Promise<{ providerJobId?: string; status: string }> {
  const job = await requireJob(deps, jobKey);
  const providerJobId = job.providerJobId ?? (await findCreatedJob(deps, job)) ?? (await createJob(deps, job));
  if (!providerJobId) return { status: 'empty' };
  const waiting = await workflowsOfJob(deps.pool, job.jobKey);
  await noticeDocuments(
    deps.client,
    waiting.map((w) => ({
      workflowId: w.workflowId,
      notice: { customId: w.customId, outcome: 'submitted', providerJobId },
    })),
    () => Context.current().heartbeat(),
  );
  return { providerJobId, status: 'submitted' };
}

async function requireJob(deps: BatchApiActivityDeps, jobKey: string): Promise<BatchApiJobRow> {
  const job = await getBatchApiJob(deps.pool, jobKey);
  if (!job) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.documentNotFound,
      message: `Batch API job ${jobKey} is not in the database`,
      nonRetryable: true,
    });
  }
  return job;
}

/** The provider job an earlier attempt created for `job` (its metadata names it), recorded now. */
async function findCreatedJob(deps: BatchApiActivityDeps, job: BatchApiJobRow): Promise<string | undefined> {
  const since = Date.now() / 1000 - RECOVERY_WINDOW_S;
  for await (const batch of deps.openai.batches.list({ limit: 100 }, { maxRetries: 0 })) {
    if (batch.metadata?.['docket_key'] === job.jobKey) {
      deps.logger.warn(
        { jobKey: job.jobKey, providerJobId: batch.id },
        'found a Batch API job created but not recorded',
      );
      await updateBatchApiJob(deps.pool, job.jobKey, { providerJobId: batch.id, inputFileId: batch.input_file_id });
      return batch.id;
    }
    // Newest first: older jobs cannot be this one's.
    if (batch.created_at < since) break;
  }
  return undefined;
}

/** Uploads the job's JSONL and creates the job, recording both; undefined when no request is left to send. */
async function createJob(deps: BatchApiActivityDeps, job: BatchApiJobRow): Promise<string | undefined> {
  const lines = await jobInputLines(deps.pool, job.jobKey);
  if (lines.length === 0) {
    await updateBatchApiJob(deps.pool, job.jobKey, { status: 'empty', finished: true });
    return undefined;
  }
  const file = await deps.openai.files.create(
    { file: await toFile(Buffer.from(`${lines.join('\n')}\n`), `${job.jobKey}.jsonl`), purpose: 'batch' },
    { maxRetries: 0 },
  );
  await updateBatchApiJob(deps.pool, job.jobKey, { inputFileId: file.id });
  const batch = await deps.openai.batches.create(
    {
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { docket_key: job.jobKey, docket_model: job.model },
    },
    { maxRetries: 0 },
  );
  await updateBatchApiJob(deps.pool, job.jobKey, { providerJobId: batch.id, status: batch.status });
  deps.logger.info({ jobKey: job.jobKey, providerJobId: batch.id, requests: lines.length }, 'Batch API job created');
  return batch.id;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

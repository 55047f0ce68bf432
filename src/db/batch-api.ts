import type pg from 'pg';
import type { Pool } from './pool.js';
import { insertLlmCall, type LlmCallRow } from './queries.js';
import { transaction, type Queryable } from './transaction.js';

/** A batch-mode document's request, as it waits for a job. `body` is the chat request (it holds the document). */
export interface NewBatchApiRequest {
  customId: string;
  documentId: string;
  workflowId: string;
  model: string;
  purpose: LlmCallRow['purpose'];
  promptVersion: string;
  promptHash: string;
  taxonomy: string;
  variant: 'baseline' | 'candidate' | null;
  body: unknown;
  estimatedTokens: number;
  bytes: number;
  /** The worst-case cost reserved against the daily budget, and the budget's day; unset without a budget. */
  budget?: { day: string; reservedUsd: number };
}

export type BatchApiRequestState = 'queued' | 'submitted' | 'answered' | 'error_line' | 'withdrawn';

/** A job as formed from queued requests. */
export interface FormedJob {
  jobKey: string;
  requests: number;
  estimatedTokens: number;
}

export interface BatchApiJobRow {
  jobKey: string;
  model: string;
  requests: number;
  estimatedTokens: number;
  providerJobId: string | null;
  inputFileId: string | null;
  outputFileId: string | null;
  errorFileId: string | null;
  status: string;
}

/** A line the provider returned, as stored. */
export interface BatchApiLine {
  customId: string;
  providerJobId: string;
  statusCode: number | null;
  response: unknown;
  error: unknown;
  /** The provider's id of the line's request, when it gave one. */
  requestId?: string | null;
}

/** Stores a request in state `queued`; the same custom_id again (an activity retried) changes nothing. */
export async function insertBatchApiRequest(pool: Pool, r: NewBatchApiRequest): Promise<void> {
  await pool.query(
    `INSERT INTO batch_api_requests (custom_id, document_id, workflow_id, model, purpose, prompt_version, prompt_hash,
       taxonomy, variant, body, estimated_tokens, bytes, budget_day, reserved_usd)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (custom_id) DO NOTHING`,
    [
      r.customId,
      r.documentId,
      r.workflowId,
      r.model,
      r.purpose,
      r.promptVersion,
      r.promptHash,
      r.taxonomy,
      r.variant,
      JSON.stringify(r.body),
      r.estimatedTokens,
      r.bytes,
      r.budget?.day ?? null,
      r.budget?.reservedUsd ?? null,
    ],
  );
}

/** What may go into the jobs of one formation. */
export interface FormationLimits {
  /** Identifies the formation: its jobs are `<formationKey>-<i>`; forming again with the same key returns them. */
  formationKey: string;
  model: string;
  maxRequestsPerJob: number;
  maxBytesPerJob: number;
  /**
   * Prompt tokens that may still be enqueued at the provider for this model; unset: no limit. With nothing enqueued,
   * the oldest request goes even when it alone is over it (else it would wait forever).
   */
  tokenAllowance?: number;
  /** No job of this model is unfinished at the provider. */
  nothingEnqueued?: boolean;
}

/**
 * Groups the model's queued requests, oldest first, into jobs within the limits, in one transaction: each request is
 * assigned its job and becomes `submitted`. Idempotent per formation key (a retried activity gets the jobs it made).
 * Returns the jobs and what is still queued.
 */
export async function formBatchApiJobs(
  pool: Pool,
  limits: FormationLimits,
): Promise<{ jobs: FormedJob[]; remaining: number; remainingTokens: number }> {
  return transaction(pool, async (client) => {
    const existing = await jobsOfFormation(client, limits.formationKey);
    const jobs = existing.length > 0 ? existing : await formJobs(client, limits);
    const { rows } = await client.query<{ n: string; tokens: string | null }>(
      `SELECT count(*) AS n, sum(estimated_tokens) AS tokens FROM batch_api_requests WHERE model = $1 AND state = 'queued'`,
      [limits.model],
    );
    return { jobs, remaining: Number(rows[0]?.n ?? 0), remainingTokens: Number(rows[0]?.tokens ?? 0) };
  });
}

async function jobsOfFormation(client: pg.PoolClient, formationKey: string): Promise<FormedJob[]> {
  const { rows } = await client.query<{ job_key: string; requests: number; estimated_tokens: string }>(
    `SELECT job_key, requests, estimated_tokens FROM batch_api_jobs WHERE job_key LIKE $1 || '-%' ORDER BY job_key`,
    [formationKey],
  );
  return rows.map((r) => ({ jobKey: r.job_key, requests: r.requests, estimatedTokens: Number(r.estimated_tokens) }));
}

async function formJobs(client: pg.PoolClient, limits: FormationLimits): Promise<FormedJob[]> {
  const { rows } = await client.query<{ custom_id: string; estimated_tokens: number; bytes: number }>(
    `SELECT custom_id, estimated_tokens, bytes FROM batch_api_requests
     WHERE model = $1 AND state = 'queued' ORDER BY queued_at, custom_id FOR UPDATE SKIP LOCKED`,
    [limits.model],
  );
  const groups: { ids: string[]; tokens: number; bytes: number }[] = [];
  let allowance = limits.tokenAllowance ?? Number.POSITIVE_INFINITY;
  for (const row of rows) {
    if (row.estimated_tokens > allowance && !(groups.length === 0 && limits.nothingEnqueued)) break;
    let group = groups.at(-1);
    if (!group || group.ids.length >= limits.maxRequestsPerJob || group.bytes + row.bytes > limits.maxBytesPerJob) {
      group = { ids: [], tokens: 0, bytes: 0 };
      groups.push(group);
    }
    group.ids.push(row.custom_id);
    group.tokens += row.estimated_tokens;
    group.bytes += row.bytes;
    allowance -= row.estimated_tokens;
  }
  const jobs: FormedJob[] = [];
  for (const [i, group] of groups.entries()) {
    const jobKey = `${limits.formationKey}-${i}`;
    await client.query(
      `INSERT INTO batch_api_jobs (job_key, model, requests, estimated_tokens, bytes) VALUES ($1, $2, $3, $4, $5)`,
      [jobKey, limits.model, group.ids.length, group.tokens, group.bytes],
    );
    await client.query(
      `UPDATE batch_api_requests SET state = 'submitted', job_key = $1 WHERE custom_id = ANY($2) AND state = 'queued'`,
      [jobKey, group.ids],
    );
    jobs.push({ jobKey, requests: group.ids.length, estimatedTokens: group.tokens });
  }
  return jobs;
}

/** Prompt tokens of the model's jobs not yet collected: what the provider counts against its enqueued-token limit. */
export async function enqueuedTokens(pool: Pool, model: string): Promise<number> {
  const { rows } = await pool.query<{ tokens: string | null }>(
    `SELECT sum(estimated_tokens) AS tokens FROM batch_api_jobs
     WHERE model = $1 AND collected_at IS NULL AND status NOT IN ('refused')`,
    [model],
  );
  return Number(rows[0]?.tokens ?? 0);
}

export async function getBatchApiJob(pool: Queryable, jobKey: string): Promise<BatchApiJobRow | undefined> {
  const { rows } = await pool.query<{
    job_key: string;
    model: string;
    requests: number;
    estimated_tokens: string;
    provider_job_id: string | null;
    input_file_id: string | null;
    output_file_id: string | null;
    error_file_id: string | null;
    status: string;
  }>(`SELECT * FROM batch_api_jobs WHERE job_key = $1`, [jobKey]);
  const r = rows[0];
  if (!r) return undefined;
  return {
    jobKey: r.job_key,
    model: r.model,
    requests: r.requests,
    estimatedTokens: Number(r.estimated_tokens),
    providerJobId: r.provider_job_id,
    inputFileId: r.input_file_id,
    outputFileId: r.output_file_id,
    errorFileId: r.error_file_id,
    status: r.status,
  };
}

/** The JSONL lines of a job's input file, in custom_id order. */
export async function jobInputLines(pool: Pool, jobKey: string): Promise<string[]> {
  const { rows } = await pool.query<{ custom_id: string; body: unknown }>(
    `SELECT custom_id, body FROM batch_api_requests WHERE job_key = $1 AND state = 'submitted' ORDER BY custom_id`,
    [jobKey],
  );
  return rows.map((r) =>
    JSON.stringify({ custom_id: r.custom_id, method: 'POST', url: '/v1/chat/completions', body: r.body }),
  );
}

/** Records what the provider said about a job (its id once created, its status and files as it moves). */
export async function updateBatchApiJob(
  pool: Pool,
  jobKey: string,
  fields: {
    providerJobId?: string;
    inputFileId?: string;
    status?: string;
    outputFileId?: string | null;
    errorFileId?: string | null;
    finished?: boolean;
  },
): Promise<void> {
  await pool.query(
    `UPDATE batch_api_jobs SET
       provider_job_id = COALESCE($2, provider_job_id),
       input_file_id = COALESCE($3, input_file_id),
       status = COALESCE($4, status),
       output_file_id = COALESCE($5, output_file_id),
       error_file_id = COALESCE($6, error_file_id),
       submitted_at = CASE WHEN $2::text IS NOT NULL THEN COALESCE(submitted_at, now()) ELSE submitted_at END,
       finished_at = CASE WHEN $7 THEN COALESCE(finished_at, now()) ELSE finished_at END
     WHERE job_key = $1`,
    [
      jobKey,
      fields.providerJobId ?? null,
      fields.inputFileId ?? null,
      fields.status ?? null,
      fields.outputFileId ?? null,
      fields.errorFileId ?? null,
      fields.finished ?? false,
    ],
  );
}

/** A line as read from the output or the error file, with its ledger row. */
export interface ReceivedLine {
  line: BatchApiLine;
  state: 'answered' | 'error_line';
  /** Built by the caller from the request row; inserted only when the line is new. */
  ledger: (request: StoredRequest) => LlmCallRow;
}

/** The parts of a stored request a ledger row needs. */
export interface StoredRequest {
  customId: string;
  documentId: string;
  workflowId: string;
  model: string;
  purpose: LlmCallRow['purpose'];
  promptVersion: string;
  promptHash: string | null;
  taxonomy: string;
  variant: 'baseline' | 'candidate' | null;
  queuedAt: Date;
  state: BatchApiRequestState;
  jobKey: string | null;
  /** The budget reservation made when it was queued. */
  budget?: { day: string; reservedUsd: number };
}

/**
 * Stores one received line with its ledger row, in one transaction, once: a duplicate line (in the file, or read again
 * after a crash) inserts nothing and returns false. A line whose request is not in this job, or was withdrawn, is
 * stored and priced (it was paid) but changes no request.
 */
export async function recordBatchApiLine(
  pool: Pool,
  jobKey: string,
  received: ReceivedLine,
): Promise<false | { request?: StoredRequest; call?: LlmCallRow }> {
  return transaction(pool, async (client) => {
    const { line } = received;
    const inserted = await client.query(
      `INSERT INTO batch_api_lines (custom_id, provider_job_id, status_code, response, error)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [
        line.customId,
        line.providerJobId,
        line.statusCode,
        line.response === undefined ? null : JSON.stringify(line.response),
        line.error === undefined ? null : JSON.stringify(line.error),
      ],
    );
    if ((inserted.rowCount ?? 0) === 0) return false;
    const request = await getBatchApiRequest(client, line.customId);
    if (!request) return {};
    const call = received.ledger(request);
    await insertLlmCall(client, call);
    await client.query(
      `UPDATE batch_api_requests SET state = $2, answered_at = now()
       WHERE custom_id = $1 AND job_key = $3 AND state = 'submitted'`,
      [line.customId, received.state, jobKey],
    );
    return { request, call };
  });
}

export async function getBatchApiRequest(pool: Queryable, customId: string): Promise<StoredRequest | undefined> {
  const { rows } = await pool.query<{
    custom_id: string;
    document_id: string;
    workflow_id: string;
    model: string;
    purpose: LlmCallRow['purpose'];
    prompt_version: string;
    prompt_hash: string | null;
    taxonomy: string;
    variant: 'baseline' | 'candidate' | null;
    queued_at: Date;
    state: BatchApiRequestState;
    job_key: string | null;
    budget_day: string | null;
    reserved_usd: number | null;
  }>(`SELECT * FROM batch_api_requests WHERE custom_id = $1`, [customId]);
  const r = rows[0];
  if (!r) return undefined;
  return {
    customId: r.custom_id,
    documentId: r.document_id,
    workflowId: r.workflow_id,
    model: r.model,
    purpose: r.purpose,
    promptVersion: r.prompt_version,
    promptHash: r.prompt_hash,
    taxonomy: r.taxonomy,
    variant: r.variant,
    queuedAt: r.queued_at,
    state: r.state,
    jobKey: r.job_key,
    ...(r.budget_day !== null && r.reserved_usd !== null
      ? { budget: { day: r.budget_day, reservedUsd: r.reserved_usd } }
      : {}),
  };
}

/** The line that answered a request, from the job it was last in. */
export async function getAnswerLine(pool: Pool, customId: string): Promise<BatchApiLine | undefined> {
  const { rows } = await pool.query<{
    custom_id: string;
    provider_job_id: string;
    status_code: number | null;
    response: unknown;
    error: unknown;
  }>(
    `SELECT l.* FROM batch_api_lines l
     JOIN batch_api_requests r ON r.custom_id = l.custom_id
     JOIN batch_api_jobs j ON j.job_key = r.job_key AND j.provider_job_id = l.provider_job_id
     WHERE l.custom_id = $1`,
    [customId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    customId: r.custom_id,
    providerJobId: r.provider_job_id,
    statusCode: r.status_code,
    response: r.response,
    error: r.error,
  };
}

/** The requests of a job whose line came back, for their documents to hear of it. */
export async function settledRequestsOfJob(
  pool: Pool,
  jobKey: string,
): Promise<{ customId: string; workflowId: string; state: BatchApiRequestState }[]> {
  const { rows } = await pool.query<{ custom_id: string; workflow_id: string; state: BatchApiRequestState }>(
    `SELECT custom_id, workflow_id, state FROM batch_api_requests
     WHERE job_key = $1 AND state IN ('answered', 'error_line') ORDER BY custom_id`,
    [jobKey],
  );
  return rows.map((r) => ({ customId: r.custom_id, workflowId: r.workflow_id, state: r.state }));
}

/** The documents waiting in a job, for them to hear that it was created. */
export async function workflowsOfJob(pool: Pool, jobKey: string): Promise<{ customId: string; workflowId: string }[]> {
  const { rows } = await pool.query<{ custom_id: string; workflow_id: string }>(
    `SELECT custom_id, workflow_id FROM batch_api_requests WHERE job_key = $1 AND state = 'submitted'`,
    [jobKey],
  );
  return rows.map((r) => ({ customId: r.custom_id, workflowId: r.workflow_id }));
}

/**
 * Puts the job's requests that got no line back in the queue (the job expired, failed or was refused, or a line never
 * came back), and marks the job collected. Returns what was re-queued, with the workflows to tell.
 */
export async function requeueUnanswered(
  pool: Pool,
  jobKey: string,
): Promise<{ requests: number; tokens: number; workflows: { customId: string; workflowId: string }[] }> {
  return transaction(pool, async (client) => {
    const { rows } = await client.query<{ custom_id: string; workflow_id: string; estimated_tokens: number }>(
      `UPDATE batch_api_requests SET state = 'queued', job_key = NULL, requeues = requeues + 1, queued_at = now()
       WHERE job_key = $1 AND state = 'submitted' RETURNING custom_id, workflow_id, estimated_tokens`,
      [jobKey],
    );
    await client.query(`UPDATE batch_api_jobs SET collected_at = COALESCE(collected_at, now()) WHERE job_key = $1`, [
      jobKey,
    ]);
    return {
      requests: rows.length,
      tokens: rows.reduce((n, r) => n + r.estimated_tokens, 0),
      workflows: rows.map((r) => ({ customId: r.custom_id, workflowId: r.workflow_id })),
    };
  });
}

/**
 * The document stopped waiting for this request (cancelled, or its deadline passed). Returns the job it was in and
 * how many of that job's requests still wait, so that a job nobody waits for any more can be cancelled.
 */
export async function withdrawBatchApiRequest(
  pool: Pool,
  customId: string,
): Promise<{ jobKey: string | null; waiting: number; unspent?: { day: string; reservedUsd: number } }> {
  return transaction(pool, async (client) => {
    const { rows } = await client.query<{
      job_key: string | null;
      budget_day: string | null;
      reserved_usd: number | null;
    }>(
      `UPDATE batch_api_requests SET state = 'withdrawn' WHERE custom_id = $1 AND state IN ('queued', 'submitted')
       RETURNING job_key, budget_day, reserved_usd`,
      [customId],
    );
    const jobKey = rows[0]?.job_key ?? null;
    if (!jobKey) {
      // Never sent: its budget reservation is given back.
      const day = rows[0]?.budget_day;
      const reservedUsd = rows[0]?.reserved_usd;
      return { jobKey: null, waiting: 0, ...(day && reservedUsd ? { unspent: { day, reservedUsd } } : {}) };
    }
    // Withdrawals of one job's requests take turns here, so the last one sees every other committed and knows the
    // job is waited for by nobody.
    await client.query('SELECT 1 FROM batch_api_jobs WHERE job_key = $1 FOR UPDATE', [jobKey]);
    const waiting = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM batch_api_requests WHERE job_key = $1 AND state = 'submitted'`,
      [jobKey],
    );
    return { jobKey, waiting: Number(waiting.rows[0]?.n ?? 0) };
  });
}

/** Marks the ledger row of a received line with what the document's validation made of it. */
export async function judgeBatchApiCall(
  pool: Pool,
  callKey: string,
  verdict: Pick<LlmCallRow, 'outcome' | 'errorClass' | 'errorType' | 'parseOk'> & { confidence?: number | null },
): Promise<void> {
  await pool.query(
    `UPDATE llm_calls SET outcome = $2, error_class = $3, error_type = $4, parse_ok = $5, confidence = $6
     WHERE call_key = $1`,
    [callKey, verdict.outcome, verdict.errorClass, verdict.errorType, verdict.parseOk, verdict.confidence ?? null],
  );
}

/** The ledger key of a line: one row per line whatever the retries and duplicates. */
export function batchApiCallKey(providerJobId: string, customId: string): string {
  return `batch-api/${providerJobId}/${customId}`;
}

/** Whether the document has a Batch API request waiting for a job or in one. */
export async function isWaitingForBatchApi(pool: Pool, documentId: string): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT 1 FROM batch_api_requests WHERE document_id = $1 AND state IN ('queued', 'submitted') LIMIT 1`,
    [documentId],
  );
  return rows.length > 0;
}

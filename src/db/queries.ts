import { DOCKET_MODE, type DocketMode } from '../shared/batch-api.js';
import type { Pool } from './pool.js';
import type { Queryable } from './transaction.js';
import { insertWorkflowStart, type WorkflowStart } from './workflow-starts.js';

export interface DocumentRow {
  id: string;
  contentHash: string;
  text: string;
  metadata: Record<string, unknown>;
  taxonomy: string;
  batchId: string | null;
  createdAt: Date;
}

export interface NewDocument {
  id: string;
  contentHash: string;
  text: string;
  metadata: Record<string, unknown>;
  taxonomy: string;
  batchId?: string;
}

/** The submission's outbox entry: the workflow start committed with the document (see `workflow-starts.ts`). */
export interface StartOnCommit {
  start: WorkflowStart;
  /** How long the reconciler leaves the start to the submitter's own attempt, ms. */
  holdMs: number;
}

/**
 * Inserts a document unless one with the same id exists; returns the stored row either way, so the caller can
 * tell a resubmission (same hash) from a conflict (different hash). With `start`, the workflow start it is owed is
 * recorded in the same transaction, unless the stored row conflicts.
 */
export async function insertDocument(
  pool: Pool,
  doc: NewDocument,
  start?: StartOnCommit,
): Promise<{ row: DocumentRow; created: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      `INSERT INTO documents (id, content_hash, text, metadata, taxonomy, batch_id)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [doc.id, doc.contentHash, doc.text, JSON.stringify(doc.metadata), doc.taxonomy, doc.batchId ?? null],
    );
    const { rows } = await client.query(`${SELECT_DOCUMENT} WHERE id = $1`, [doc.id]);
    const row = rows[0] ? toDocumentRow(rows[0]) : undefined;
    if (!row) throw new Error(`document ${doc.id} vanished after insert`);
    if (start && row.contentHash === doc.contentHash && row.taxonomy === doc.taxonomy) {
      await insertWorkflowStart(client, start.start, start.holdMs);
    }
    await client.query('COMMIT');
    return { row, created: inserted.rowCount === 1 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const SELECT_DOCUMENT = 'SELECT id, content_hash, text, metadata, taxonomy, batch_id, created_at FROM documents';

function toDocumentRow(r: Record<string, unknown>): DocumentRow {
  return {
    id: r.id as string,
    contentHash: r.content_hash as string,
    text: r.text as string,
    metadata: r.metadata as Record<string, unknown>,
    taxonomy: r.taxonomy as string,
    batchId: r.batch_id as string | null,
    createdAt: r.created_at as Date,
  };
}

export async function getDocument(pool: Pool, id: string): Promise<DocumentRow | undefined> {
  const { rows } = await pool.query(`${SELECT_DOCUMENT} WHERE id = $1`, [id]);
  return rows[0] ? toDocumentRow(rows[0]) : undefined;
}

export interface LlmCallRow {
  callKey: string;
  documentId: string;
  workflowId: string;
  runId: string;
  activityAttempt: number;
  purpose: 'classify' | 'repair' | 'cascade' | 'large_context' | 'compare';
  model: string;
  promptVersion: string;
  promptHash: string | null;
  variant: 'baseline' | 'candidate' | null;
  /** The model's confidence, for a valid answer. */
  confidence?: number | null;
  taxonomy: string;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  costUsd: number | null;
  priced: boolean;
  latencyMs: number;
  httpStatus: number | null;
  /** `started`: written before the request and not completed yet, or never (worker killed, database down). */
  outcome: 'started' | 'ok' | 'invalid_output' | 'error';
  errorClass: string | null;
  errorType: string | null;
  finishReason: string | null;
  parseOk: boolean | null;
  requestId: string | null;
  startedAt: Date;
  /** Failed while the outage breaker was open: not counted toward the document's ceiling. @default false */
  outage?: boolean;
  /** How the call was made. @default 'realtime' */
  mode?: DocketMode;
  /** The provider's job, for a line of a Batch API job. */
  providerJobId?: string | null;
}

/**
 * Records one HTTP call in the ledger; a retried write of the same call is ignored. The activity writes it before the
 * request as `started`, with no latency, and completes it with {@link completeLlmCall}.
 */
export async function insertLlmCall(
  pool: Queryable,
  c: Omit<LlmCallRow, 'latencyMs'> & { latencyMs: number | null },
): Promise<void> {
  await pool.query(
    `INSERT INTO llm_calls (call_key, document_id, workflow_id, run_id, activity_attempt, purpose, model,
       prompt_version, taxonomy, input_tokens, cached_tokens, output_tokens, cost_usd, priced, latency_ms,
       http_status, outcome, error_class, error_type, finish_reason, parse_ok, request_id, started_at, prompt_hash,
       variant, confidence, outage, mode, provider_job_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
       $24, $25, $26, $27, $28, $29)
     ON CONFLICT (call_key) DO NOTHING`,
    [
      c.callKey,
      c.documentId,
      c.workflowId,
      c.runId,
      c.activityAttempt,
      c.purpose,
      c.model,
      c.promptVersion,
      c.taxonomy,
      c.inputTokens,
      c.cachedTokens,
      c.outputTokens,
      c.costUsd,
      c.priced,
      c.latencyMs,
      c.httpStatus,
      c.outcome,
      c.errorClass,
      c.errorType,
      c.finishReason,
      c.parseOk,
      c.requestId,
      c.startedAt,
      c.promptHash,
      c.variant,
      c.confidence ?? null,
      c.outage ?? false,
      c.mode ?? DOCKET_MODE.realtime,
      c.providerJobId ?? null,
    ],
  );
}

/**
 * Completes a call's ledger row, written `started` before the request, with its outcome. Returns whether a row was
 * updated (false when the write-ahead row is missing).
 */
export async function completeLlmCall(pool: Pool, c: LlmCallRow): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE llm_calls SET input_tokens = $2, cached_tokens = $3, output_tokens = $4, cost_usd = $5, priced = $6,
       latency_ms = $7, http_status = $8, outcome = $9, error_class = $10, error_type = $11, finish_reason = $12,
       parse_ok = $13, request_id = $14, confidence = $15, outage = $16
     WHERE call_key = $1`,
    [
      c.callKey,
      c.inputTokens,
      c.cachedTokens,
      c.outputTokens,
      c.costUsd,
      c.priced,
      c.latencyMs,
      c.httpStatus,
      c.outcome,
      c.errorClass,
      c.errorType,
      c.finishReason,
      c.parseOk,
      c.requestId,
      c.confidence ?? null,
      c.outage ?? false,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Failed calls of one activity execution (the ledger keys its calls `<workflow>/<run>/<activity>/<attempt>`) whose
 * error type is one of `errorTypes`, leaving out those made during an outage: what the document's ceiling counts.
 */
export async function countActivityFailures(
  pool: Pool,
  documentId: string,
  activityKeyPrefix: string,
  errorTypes: readonly string[],
): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM llm_calls
     WHERE document_id = $1 AND left(call_key, length($2)) = $2 AND error_type = ANY ($3) AND NOT outage`,
    [documentId, activityKeyPrefix, errorTypes],
  );
  return rows[0]?.n ?? 0;
}

/** Calls made for a document and what they cost (unpriced calls add nothing and are counted apart). */
export async function documentCallSummary(
  pool: Pool,
  documentId: string,
): Promise<{ calls: number; costUsd: number; unpricedCalls: number }> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS calls, coalesce(sum(cost_usd), 0)::float8 AS cost,
            count(*) FILTER (WHERE NOT priced)::int AS unpriced
     FROM llm_calls WHERE document_id = $1`,
    [documentId],
  );
  const r = rows[0];
  return { calls: r?.calls ?? 0, costUsd: r?.cost ?? 0, unpricedCalls: r?.unpriced ?? 0 };
}

/** A batch's documents, how many are classified, and the calls and cost so far. */
export async function getBatchSummary(
  pool: Pool,
  batchId: string,
): Promise<{ documents: number; completed: number; calls: number; costUsd: number } | undefined> {
  const { rows } = await pool.query(
    `SELECT b.total AS documents,
       (SELECT count(*)::int FROM batch_documents bd JOIN classifications c ON c.document_id = bd.document_id
        WHERE bd.batch_id = $1) AS completed,
       (SELECT count(*)::int FROM batch_documents bd JOIN llm_calls l ON l.document_id = bd.document_id
        WHERE bd.batch_id = $1) AS calls,
       (SELECT coalesce(sum(l.cost_usd), 0)::float8 FROM batch_documents bd JOIN llm_calls l ON l.document_id = bd.document_id
        WHERE bd.batch_id = $1) AS cost
     FROM batches b WHERE b.id = $1`,
    [batchId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return { documents: r.documents, completed: r.completed, calls: r.calls, costUsd: r.cost };
}

/**
 * Stores a batch and its documents in one transaction: either every document is stored (or found identical)
 * or nothing is. Returns the ids whose stored text differs (a conflict), in which case nothing was written.
 * With `start`, the batch workflow's start is recorded in the same transaction.
 */
export async function insertBatch(
  pool: Pool,
  batch: { id: string; taxonomy: string },
  docs: NewDocument[],
  start?: StartOnCommit,
): Promise<{ conflicts: string[] }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO batches (id, taxonomy, total) VALUES ($1, $2, $3)', [
      batch.id,
      batch.taxonomy,
      docs.length,
    ]);
    const chunk = 500;
    for (let i = 0; i < docs.length; i += chunk) {
      const part = docs.slice(i, i + chunk);
      await client.query(
        `INSERT INTO documents (id, content_hash, text, metadata, taxonomy, batch_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[])
         ON CONFLICT (id) DO NOTHING`,
        [
          part.map((d) => d.id),
          part.map((d) => d.contentHash),
          part.map((d) => d.text),
          part.map((d) => JSON.stringify(d.metadata)),
          part.map((d) => d.taxonomy),
          part.map(() => batch.id),
        ],
      );
      const { rows } = await client.query<{ id: string }>(
        `SELECT d.id FROM documents d JOIN unnest($1::text[], $2::text[], $3::text[]) AS n(id, hash, taxonomy) ON n.id = d.id
         WHERE d.content_hash <> n.hash OR d.taxonomy <> n.taxonomy`,
        [part.map((d) => d.id), part.map((d) => d.contentHash), part.map((d) => d.taxonomy)],
      );
      if (rows.length > 0) {
        await client.query('ROLLBACK');
        return { conflicts: rows.map((r) => r.id) };
      }
      await client.query(
        `INSERT INTO batch_documents (batch_id, position, document_id)
         SELECT $1, p, id FROM unnest($2::int[], $3::text[]) AS n(p, id)`,
        [batch.id, part.map((_, j) => i + j), part.map((d) => d.id)],
      );
    }
    if (start) await insertWorkflowStart(client, start.start, start.holdMs);
    await client.query('COMMIT');
    return { conflicts: [] };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The next page of a batch's documents in submission order, each marked when it already has a result. */
export async function listBatchDocumentsPage(
  pool: Pool,
  batchId: string,
  afterPosition: number,
  limit: number,
): Promise<{ id: string; position: number; classified: boolean }[]> {
  const { rows } = await pool.query<{ id: string; position: number; classified: boolean }>(
    `SELECT b.document_id AS id, b.position, (c.document_id IS NOT NULL) AS classified
     FROM batch_documents b LEFT JOIN classifications c ON c.document_id = b.document_id
     WHERE b.batch_id = $1 AND b.position > $2 ORDER BY b.position LIMIT $3`,
    [batchId, afterPosition, limit],
  );
  return rows;
}

export interface SampleRow {
  callKey: string;
  documentId: string;
  /** Why it was kept: `sampled` or `failure`. */
  reason: string;
  request: unknown;
  response: unknown;
}

/**
 * Keeps a call's full prompt and response; a retried write of the same call is ignored. Nothing is kept for a
 * document that no longer exists: the share lock on its row makes a call that finishes during an erasure either
 * land before it (and be erased with it) or find the document gone.
 */
export async function insertSample(pool: Pool, s: SampleRow): Promise<void> {
  await pool.query(
    `INSERT INTO samples (call_key, document_id, reason, request, response)
     SELECT $1, $2, $3, $4::jsonb, $5::jsonb FROM documents WHERE id = $2 FOR SHARE
     ON CONFLICT (call_key) DO NOTHING`,
    [
      s.callKey,
      s.documentId,
      s.reason,
      JSON.stringify(s.request),
      s.response === undefined ? null : JSON.stringify(s.response),
    ],
  );
}

/** The newest samples, optionally only failures or one document's, joined with their ledger row. */
export async function listSamples(
  pool: Pool,
  options: { limit: number; failuresOnly?: boolean; documentId?: string },
): Promise<(SampleRow & { createdAt: Date; model: string; outcome: string; errorType: string | null })[]> {
  const { rows } = await pool.query(
    `SELECT s.call_key, s.document_id, s.reason, s.request, s.response, s.created_at, l.model, l.outcome, l.error_type
     FROM samples s JOIN llm_calls l ON l.call_key = s.call_key
     WHERE ($2::boolean IS NOT TRUE OR s.reason = 'failure') AND ($3::text IS NULL OR s.document_id = $3)
     ORDER BY s.id DESC LIMIT $1`,
    [options.limit, options.failuresOnly ?? false, options.documentId ?? null],
  );
  return rows.map((r) => ({
    callKey: r.call_key,
    documentId: r.document_id,
    reason: r.reason,
    request: r.request,
    response: r.response,
    createdAt: r.created_at,
    model: r.model,
    outcome: r.outcome,
    errorType: r.error_type,
  }));
}

/** Why a document was erased. */
export type ErasureReason = 'request' | 'retention';

export interface ErasureRow {
  documentId: string;
  reason: ErasureReason;
  erasedBy: string;
  batchIds: string[];
  erasedAt: Date;
}

/** The record of a document's erasure, if it was erased. */
export async function getErasure(pool: Pool, documentId: string): Promise<ErasureRow | undefined> {
  const { rows } = await pool.query(
    'SELECT document_id, reason, erased_by, batch_ids, erased_at FROM erasures WHERE document_id = $1',
    [documentId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    documentId: r.document_id,
    reason: r.reason,
    erasedBy: r.erased_by,
    batchIds: r.batch_ids,
    erasedAt: r.erased_at,
  };
}

/** What `eraseDocumentRows` removed. */
export interface ErasedRows {
  documents: number;
  results: number;
  samples: number;
  batchMemberships: number;
  erasure: ErasureRow;
}

/**
 * Deletes a document's text, metadata, result, samples and batch memberships in one transaction and records the
 * erasure (a repeated erasure keeps the first record and adds the batches found now). The document's row is locked
 * first, so that a result or sample written concurrently either commits before and is deleted here, or finds the
 * document gone. Ledger rows (`llm_calls`) stay: they hold ids, tokens and cost, no text.
 */
export async function eraseDocumentRows(
  pool: Pool,
  documentId: string,
  by: { reason: ErasureReason; erasedBy: string },
): Promise<ErasedRows> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const locked = await client.query<{ batch_id: string | null }>(
      'SELECT batch_id FROM documents WHERE id = $1 FOR UPDATE',
      [documentId],
    );
    const memberships = await client.query<{ batch_id: string }>(
      'DELETE FROM batch_documents WHERE document_id = $1 RETURNING batch_id',
      [documentId],
    );
    // The batch's total follows its members, so its counts stay whole after the erasure.
    for (const { batch_id } of memberships.rows) {
      await client.query('UPDATE batches SET total = greatest(total - 1, 0) WHERE id = $1', [batch_id]);
    }
    const batchIds = [
      ...new Set([
        ...memberships.rows.map((r) => r.batch_id),
        ...locked.rows.flatMap((r) => (r.batch_id ? [r.batch_id] : [])),
      ]),
    ];
    const samples = await client.query('DELETE FROM samples WHERE document_id = $1', [documentId]);
    // A Batch API request holds the prompt (the text) and its line the answer: both go with the document.
    await client.query(
      `DELETE FROM batch_api_lines WHERE custom_id IN (SELECT custom_id FROM batch_api_requests WHERE document_id = $1)`,
      [documentId],
    );
    await client.query('DELETE FROM batch_api_requests WHERE document_id = $1', [documentId]);
    const results = await client.query('DELETE FROM classifications WHERE document_id = $1', [documentId]);
    const documents = await client.query('DELETE FROM documents WHERE id = $1', [documentId]);
    const { rows } = await client.query(
      `INSERT INTO erasures (document_id, reason, erased_by, batch_ids) VALUES ($1, $2, $3, $4)
       ON CONFLICT (document_id) DO UPDATE SET
         batch_ids = ARRAY(SELECT DISTINCT unnest(erasures.batch_ids || EXCLUDED.batch_ids)),
         reason = CASE WHEN $5 THEN EXCLUDED.reason ELSE erasures.reason END,
         erased_by = CASE WHEN $5 THEN EXCLUDED.erased_by ELSE erasures.erased_by END,
         erased_at = CASE WHEN $5 THEN now() ELSE erasures.erased_at END
       RETURNING document_id, reason, erased_by, batch_ids, erased_at`,
      // A document submitted again after an erasure and erased again: the record says when it was last erased.
      [documentId, by.reason, by.erasedBy, batchIds, documents.rowCount === 1],
    );
    await client.query('COMMIT');
    const r = rows[0];
    return {
      documents: documents.rowCount ?? 0,
      results: results.rowCount ?? 0,
      samples: samples.rowCount ?? 0,
      batchMemberships: memberships.rowCount ?? 0,
      erasure: {
        documentId: r.document_id,
        reason: r.reason,
        erasedBy: r.erased_by,
        batchIds: r.batch_ids,
        erasedAt: r.erased_at,
      },
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The workflows that called the LLM about a document (its own, and any comparison), and how many calls it made. */
export async function documentLedger(
  pool: Pool,
  documentId: string,
): Promise<{ workflowIds: string[]; calls: number }> {
  const { rows } = await pool.query<{ workflow_id: string; calls: number }>(
    'SELECT workflow_id, count(*)::int AS calls FROM llm_calls WHERE document_id = $1 GROUP BY workflow_id',
    [documentId],
  );
  return { workflowIds: rows.map((r) => r.workflow_id), calls: rows.reduce((sum, r) => sum + r.calls, 0) };
}

/** The oldest documents stored before `cutoff`, at most `limit`. */
export async function listDocumentsCreatedBefore(pool: Pool, cutoff: Date, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    'SELECT id FROM documents WHERE created_at < $1 ORDER BY created_at, id LIMIT $2',
    [cutoff, limit],
  );
  return rows.map((r) => r.id);
}

/** Deletes at most `limit` samples stored before `cutoff`; returns how many. */
export async function deleteSamplesCreatedBefore(pool: Pool, cutoff: Date, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    'DELETE FROM samples WHERE id IN (SELECT id FROM samples WHERE created_at < $1 ORDER BY id LIMIT $2)',
    [cutoff, limit],
  );
  return rowCount ?? 0;
}

import type { Pool } from './pool.js';
import type { Queryable } from './transaction.js';

/** One workflow Docket owes a start: the outbox row of `workflow_starts`. */
export interface WorkflowStart {
  workflowId: string;
  workflowType: string;
  /** The workflow's single input argument, decided at submission. */
  input: unknown;
  documentId?: string;
  batchId?: string;
}

export interface WorkflowStartRow extends WorkflowStart {
  createdAt: Date;
  startedAt: Date | null;
  attempts: number;
  lastError: string | null;
}

/**
 * Records a start Docket owes, unless one is recorded for the workflow id already (a resubmission keeps the
 * input decided the first time). `holdMs` keeps the reconciler away while the submitter makes its own attempt.
 */
export async function insertWorkflowStart(db: Queryable, start: WorkflowStart, holdMs: number): Promise<void> {
  await db.query(
    `INSERT INTO workflow_starts (workflow_id, workflow_type, input, document_id, batch_id, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::float8 / 1000))
     ON CONFLICT (workflow_id) DO NOTHING`,
    [
      start.workflowId,
      start.workflowType,
      JSON.stringify(start.input),
      start.documentId ?? null,
      start.batchId ?? null,
      holdMs,
    ],
  );
}

function toRow(r: Record<string, unknown>): WorkflowStartRow {
  return {
    workflowId: r.workflow_id as string,
    workflowType: r.workflow_type as string,
    input: r.input,
    ...(r.document_id ? { documentId: r.document_id as string } : {}),
    ...(r.batch_id ? { batchId: r.batch_id as string } : {}),
    createdAt: r.created_at as Date,
    startedAt: (r.started_at as Date | null) ?? null,
    attempts: r.attempts as number,
    lastError: (r.last_error as string | null) ?? null,
  };
}

export async function getWorkflowStart(pool: Pool, workflowId: string): Promise<WorkflowStartRow | undefined> {
  const { rows } = await pool.query('SELECT * FROM workflow_starts WHERE workflow_id = $1', [workflowId]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/**
 * Claims up to `limit` starts that are due, oldest first, for `leaseMs`: other reconcilers skip them until the
 * lease ends, so several workers share the backlog without starting the same workflow at once.
 */
export async function claimDueWorkflowStarts(pool: Pool, limit: number, leaseMs: number): Promise<WorkflowStartRow[]> {
  const { rows } = await pool.query(
    `UPDATE workflow_starts SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000),
       attempts = attempts + 1
     WHERE workflow_id IN (
       SELECT workflow_id FROM workflow_starts WHERE started_at IS NULL AND next_attempt_at <= now()
       ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [limit, leaseMs],
  );
  return rows.map(toRow).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** The workflow exists (started now or earlier): the row leaves the outbox. */
export async function markWorkflowStarted(pool: Pool, workflowId: string): Promise<void> {
  await pool.query(
    'UPDATE workflow_starts SET started_at = now(), last_error = NULL WHERE workflow_id = $1 AND started_at IS NULL',
    [workflowId],
  );
}

/** The start did not happen: the row is due again at once, for the next reconciler pass. */
export async function releaseWorkflowStart(pool: Pool, workflowId: string, error?: string): Promise<void> {
  await pool.query(
    `UPDATE workflow_starts SET next_attempt_at = now(), last_error = coalesce($2, last_error)
     WHERE workflow_id = $1 AND started_at IS NULL`,
    [workflowId, error?.slice(0, 500) ?? null],
  );
}

/**
 * Whether a document's workflow is still owed a start: its own, or that of a batch holding it. Such a document is
 * waiting for the reconciler, not forgotten.
 */
export async function isDocumentStartPending(pool: Pool, documentId: string): Promise<boolean> {
  const { rows } = await pool.query<{ pending: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM workflow_starts s
       WHERE s.started_at IS NULL AND (s.document_id = $1
         OR s.batch_id IN (SELECT batch_id FROM batch_documents WHERE document_id = $1))
     ) AS pending`,
    [documentId],
  );
  return rows[0]?.pending ?? false;
}

/** Whether a batch's workflow is still owed a start. */
export async function isBatchStartPending(pool: Pool, batchId: string): Promise<boolean> {
  const { rows } = await pool.query<{ pending: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM workflow_starts WHERE batch_id = $1 AND started_at IS NULL) AS pending',
    [batchId],
  );
  return rows[0]?.pending ?? false;
}

/** Whether a document belongs to a batch: the batch's workflow starts its child when the window has room. */
export async function isInBatch(pool: Pool, documentId: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM batch_documents WHERE document_id = $1) AS found',
    [documentId],
  );
  return rows[0]?.found ?? false;
}

/** Starts still owed, and the oldest one's age in seconds (for the reconciler's log and tests). */
export async function pendingWorkflowStarts(pool: Pool): Promise<{ pending: number; oldestAgeS: number | null }> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS oldest
     FROM workflow_starts WHERE started_at IS NULL`,
  );
  return { pending: rows[0]?.pending ?? 0, oldestAgeS: rows[0]?.oldest ?? null };
}

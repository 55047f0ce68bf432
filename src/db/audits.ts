import type { DocumentResult } from '../shared/result.js';
import type { Queryable } from './transaction.js';

// The SQL of audits (migration 1700000000031): confident results drawn by DOCKET_AUDIT_RATE that wait for a person
// while the document is `completed`.

/** An audit to open on a stored result. */
export interface NewAudit {
  documentId: string;
  taxonomy: string;
  /** The version of the result that is audited. */
  resultVersion: number;
  /** DOCKET_AUDIT_RATE when the document was drawn. */
  auditRate: number;
}

/**
 * Opens a pending audit of a result version (once: a retried write opens none twice). A pending audit of an older
 * version of the same document is superseded: only the current result is worth checking.
 */
export async function openAudit(db: Queryable, audit: NewAudit): Promise<void> {
  await supersedePendingAudits(db, audit.documentId);
  await db.query(
    `INSERT INTO audits (document_id, taxonomy, result_version, audit_rate) VALUES ($1, $2, $3, $4)
     ON CONFLICT (document_id, result_version) DO NOTHING`,
    [audit.documentId, audit.taxonomy, audit.resultVersion, audit.auditRate],
  );
}

/** Closes the document's pending audit without a decision: a newer result replaced the audited one. */
export async function supersedePendingAudits(db: Queryable, documentId: string): Promise<void> {
  await db.query(
    `UPDATE audits SET status = 'superseded', closed_at = now() WHERE document_id = $1 AND status = 'pending'`,
    [documentId],
  );
}

/** A pending audit with the model's answer it checks. */
export interface PendingAudit {
  id: number;
  documentId: string;
  taxonomy: string;
  resultVersion: number;
  auditRate: number;
  createdAt: Date;
  /** The workflow that produced the audited result. */
  workflowId: string;
  /** The audited result: the model's answer the reviewer confirms or corrects. */
  result: Pick<DocumentResult, 'category' | 'confidence' | 'reasoning' | 'model' | 'promptVersion'>;
}

const PENDING_AUDITS = `
  SELECT a.id, a.document_id, a.taxonomy, a.result_version, a.audit_rate, a.created_at, v.workflow_id,
         v.stored->>'category' AS category, (v.stored->>'confidence')::float8 AS confidence,
         v.stored->>'reasoning' AS reasoning, v.stored->>'model' AS model, v.stored->>'prompt_version' AS prompt_version
  FROM audits a JOIN classification_versions v ON v.document_id = a.document_id AND v.version = a.result_version
  WHERE a.status = 'pending'`;

interface PendingAuditRow {
  id: string;
  document_id: string;
  taxonomy: string;
  result_version: number;
  audit_rate: number;
  created_at: Date;
  workflow_id: string;
  category: string;
  confidence: number;
  reasoning: string;
  model: string;
  prompt_version: string;
}

function toPendingAudit(r: PendingAuditRow): PendingAudit {
  return {
    id: Number(r.id),
    documentId: r.document_id,
    taxonomy: r.taxonomy,
    resultVersion: r.result_version,
    auditRate: r.audit_rate,
    createdAt: r.created_at,
    workflowId: r.workflow_id,
    result: {
      category: r.category,
      confidence: r.confidence,
      reasoning: r.reasoning,
      model: r.model,
      promptVersion: r.prompt_version,
    },
  };
}

/** Every pending audit, oldest first. */
export async function listPendingAudits(db: Queryable): Promise<PendingAudit[]> {
  const { rows } = await db.query<PendingAuditRow>(`${PENDING_AUDITS} ORDER BY a.created_at, a.id`);
  return rows.map(toPendingAudit);
}

/**
 * The document's pending audit, or undefined when none; `lock` holds it until the transaction ends, so that two
 * reviewers deciding at once cannot both close it.
 */
export async function pendingAuditOf(
  db: Queryable,
  documentId: string,
  lock = false,
): Promise<PendingAudit | undefined> {
  const { rows } = await db.query<PendingAuditRow>(
    `${PENDING_AUDITS} AND a.document_id = $1${lock ? ' FOR UPDATE OF a' : ''}`,
    [documentId],
  );
  return rows[0] ? toPendingAudit(rows[0]) : undefined;
}

/** Closes an audit with the review decision that settled it. */
export async function closeAudit(db: Queryable, auditId: number, decisionId: number): Promise<void> {
  await db.query(`UPDATE audits SET status = 'closed', closed_at = now(), decision_id = $2 WHERE id = $1`, [
    auditId,
    decisionId,
  ]);
}

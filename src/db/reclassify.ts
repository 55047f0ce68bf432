import type { Pool } from './pool.js';
import type { Queryable } from './transaction.js';

// The SQL of reclassifications (migration 1700000000031): a selection of documents run again under the current
// configuration, each as a new version of its result.

/** Which documents to run again; every criterion given must hold. */
export interface ReclassifySelection {
  /** Documents of this batch. */
  batchId?: string | undefined;
  /** Documents whose current result is this category. */
  category?: string | undefined;
  /** Documents submitted at or after this time. */
  since?: Date | undefined;
  /** Documents submitted before this time. */
  until?: Date | undefined;
  /** Documents whose current result this prompt version decided. */
  promptVersion?: string | undefined;
}

/** A selected document with the current result its new run will be compared with. */
export interface SelectedDocument {
  documentId: string;
  taxonomy: string;
  version: number;
  category: string;
  /** The highest version its results reached: the new run's result will be the next. */
  lastVersion: number;
}

/**
 * The documents of a selection that have a result (one still being classified or reviewed is left to its workflow),
 * at most `limit`, in id order.
 */
export async function selectDocuments(
  pool: Pool,
  selection: ReclassifySelection,
  limit: number,
): Promise<SelectedDocument[]> {
  const { rows } = await pool.query<SelectedDocument>(
    `SELECT c.document_id AS "documentId", d.taxonomy, c.version, c.category,
            coalesce((SELECT max(v.version) FROM classification_versions v WHERE v.document_id = c.document_id),
                     c.version)::int AS "lastVersion"
     FROM classifications c JOIN documents d ON d.id = c.document_id
     WHERE ($1::text IS NULL OR d.batch_id = $1
              OR EXISTS (SELECT 1 FROM batch_documents b WHERE b.document_id = d.id AND b.batch_id = $1))
       AND ($2::text IS NULL OR c.category = $2)
       AND ($3::timestamptz IS NULL OR d.created_at >= $3)
       AND ($4::timestamptz IS NULL OR d.created_at < $4)
       AND ($5::text IS NULL OR c.prompt_version = $5)
     ORDER BY c.document_id COLLATE "C" LIMIT $6`,
    [
      selection.batchId ?? null,
      selection.category ?? null,
      selection.since ?? null,
      selection.until ?? null,
      selection.promptVersion ?? null,
      limit,
    ],
  );
  return rows;
}

/** A reclassification's document: the workflow that runs it again and the result it had then. */
export interface ReclassifiedDocument {
  documentId: string;
  workflowId: string;
  previousVersion: number;
  previousCategory: string;
}

/** Records a reclassification and its documents (before their workflows start, so that none is lost). */
export async function insertReclassification(
  db: Queryable,
  reclassification: { id: string; selection: ReclassifySelection; requestedBy: string },
  documents: readonly ReclassifiedDocument[],
): Promise<void> {
  await db.query('INSERT INTO reclassifications (id, selection, requested_by) VALUES ($1, $2, $3)', [
    reclassification.id,
    JSON.stringify(reclassification.selection),
    reclassification.requestedBy,
  ]);
  await db.query(
    `INSERT INTO reclassification_documents (reclassify_id, document_id, workflow_id, previous_version, previous_category)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[])`,
    [
      reclassification.id,
      documents.map((d) => d.documentId),
      documents.map((d) => d.workflowId),
      documents.map((d) => d.previousVersion),
      documents.map((d) => d.previousCategory),
    ],
  );
}

/** A reclassification as it was asked for. */
export interface ReclassificationRow {
  id: string;
  selection: Record<string, unknown>;
  requestedBy: string;
  createdAt: Date;
}

/** A reclassification as it was asked for, or undefined for an unknown id. */
export async function getReclassification(pool: Pool, id: string): Promise<ReclassificationRow | undefined> {
  const { rows } = await pool.query<ReclassificationRow>(
    `SELECT id, selection, requested_by AS "requestedBy", created_at AS "createdAt" FROM reclassifications
     WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Where one document of a reclassification stands: its new run's result, once stored. */
export interface ReclassifyOutcome extends ReclassifiedDocument {
  /** The new run's result; absent while it runs (or waits for a person). */
  newVersion?: number;
  newCategory?: string;
  newDecidedBy?: 'model' | 'human';
  /** The new result is the current one (false: a person's decision was kept). */
  newIsCurrent?: boolean;
  /** The document's current category now. */
  currentCategory: string;
}

/** Every document of a reclassification, with its new run's result once stored, in id order. */
export async function readReclassifyOutcomes(pool: Pool, id: string): Promise<ReclassifyOutcome[]> {
  const { rows } = await pool.query<ReclassifyOutcome & { newVersion: number | null }>(
    `SELECT r.document_id AS "documentId", r.workflow_id AS "workflowId", r.previous_version AS "previousVersion",
            r.previous_category AS "previousCategory", v.version AS "newVersion", v.category AS "newCategory",
            v.decided_by AS "newDecidedBy", v.version = c.version AS "newIsCurrent", c.category AS "currentCategory"
     FROM reclassification_documents r
     JOIN classifications c ON c.document_id = r.document_id
     LEFT JOIN classification_versions v ON v.document_id = r.document_id AND v.workflow_id = r.workflow_id
     WHERE r.reclassify_id = $1
     ORDER BY r.document_id COLLATE "C"`,
    [id],
  );
  return rows.map((r) => {
    const base: ReclassifyOutcome = {
      documentId: r.documentId,
      workflowId: r.workflowId,
      previousVersion: r.previousVersion,
      previousCategory: r.previousCategory,
      currentCategory: r.currentCategory,
    };
    if (r.newVersion === null) return base;
    const { newVersion, newCategory, newDecidedBy, newIsCurrent } = r;
    return { ...base, newVersion, newCategory, newDecidedBy, newIsCurrent };
  });
}

/** The newest reclassification workflow of a document, or undefined when it was never reclassified. */
export async function latestReclassifyWorkflow(pool: Pool, documentId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ workflow_id: string }>(
    `SELECT r.workflow_id FROM reclassification_documents r JOIN reclassifications x ON x.id = r.reclassify_id
     WHERE r.document_id = $1 ORDER BY x.created_at DESC LIMIT 1`,
    [documentId],
  );
  return rows[0]?.workflow_id;
}

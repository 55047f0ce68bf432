import type { CheckedAnswer, ConfidenceCount, DecisionTiming } from '../reports/accuracy/index.js';
import type { Pool } from './pool.js';
import type { Queryable } from './transaction.js';

// The SQL of accuracy, calibration, reviewer throughput and the gold set: review_decisions and gold_labels
// (migration 1700000000020), with the human decisions that classifications recorded before review_decisions existed.

/** Decisions in [since, until) by `decided_at`; either bound may be null. */
export interface DecisionWindow {
  since: Date | null;
  until: Date | null;
}

/** A review decision to record (`review_decisions`). */
export interface NewReviewDecision {
  /** Unique per decision (e.g. the workflow id and the update id): a retried write records it once. */
  decisionKey: string;
  documentId: string;
  taxonomy: string;
  reviewer: string;
  category: string;
  /** The review reason, `audit` included. */
  reason: string;
  /** The model's answer the person saw, when there was one. */
  suggestion?: { category: string; confidence: number; model: string; promptVersion: string } | undefined;
  /** DOCKET_AUDIT_RATE when the document was drawn; required for, and only for, reason `audit`. */
  auditRate?: number | undefined;
  /** The first decision of the same answer, when this is the second of a double review. */
  secondReviewOf?: number | undefined;
  pendingSince?: Date | undefined;
  /** @default now() */
  decidedAt?: Date | undefined;
  /** The version of the stored result this decision replaced, when it corrected one. */
  correctedResultVersion?: number | undefined;
}

/**
 * Records a review decision; a second write with the same `decisionKey` changes nothing. Returns the row's id either
 * way, and whether this call inserted it.
 */
export async function insertReviewDecision(
  pool: Queryable,
  d: NewReviewDecision,
): Promise<{ id: number; inserted: boolean }> {
  const { rows } = await pool.query<{ id: string; inserted: boolean }>(
    `WITH inserted AS (
       INSERT INTO review_decisions (decision_key, document_id, taxonomy, reviewer, category, reason,
         suggested_category, suggested_confidence, model, prompt_version, audit_rate, second_review_of, pending_since,
         decided_at, corrected_result_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, coalesce($14, now()), $15)
       ON CONFLICT (decision_key) DO NOTHING RETURNING id)
     SELECT id, true AS inserted FROM inserted
     UNION ALL SELECT id, false FROM review_decisions WHERE decision_key = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
    [
      d.decisionKey,
      d.documentId,
      d.taxonomy,
      d.reviewer,
      d.category,
      d.reason,
      d.suggestion?.category ?? null,
      d.suggestion?.confidence ?? null,
      d.suggestion?.model ?? null,
      d.suggestion?.promptVersion ?? null,
      d.auditRate ?? null,
      d.secondReviewOf ?? null,
      d.pendingSince ?? null,
      d.decidedAt ?? null,
      d.correctedResultVersion ?? null,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error(`review decision ${d.decisionKey} was neither inserted nor found`);
  return { id: Number(row.id), inserted: row.inserted };
}

/** `column` inside [$1, $2). */
const inWindow = (column: string) =>
  `($1::timestamptz IS NULL OR ${column} >= $1::timestamptz) AND ($2::timestamptz IS NULL OR ${column} < $2::timestamptz)`;
/** A human decision recorded in classifications only: made before review_decisions existed. */
const LEGACY_HUMAN = `c.decided_by = 'human' AND NOT EXISTS (SELECT 1 FROM review_decisions r WHERE r.document_id = c.document_id)`;

const CHECKED_ANSWERS = `
  SELECT "documentId", taxonomy, model, "promptVersion", "answered", "confidence", "decided", "source", "auditRate"
  FROM (
    SELECT document_id AS "documentId", taxonomy, model, prompt_version AS "promptVersion",
           suggested_category AS "answered", suggested_confidence AS "confidence", category AS "decided",
           CASE WHEN reason = 'audit' THEN 'audit' ELSE 'review' END AS "source", audit_rate AS "auditRate",
           decided_at
    FROM review_decisions
    WHERE second_review_of IS NULL AND suggested_category IS NOT NULL AND suggested_confidence IS NOT NULL
      AND model IS NOT NULL AND prompt_version IS NOT NULL AND ${inWindow('decided_at')}
    UNION ALL
    SELECT c.document_id, c.taxonomy, c.model, c.prompt_version, c.suggested_category, c.suggested_confidence,
           c.category, 'review', NULL, c.decided_at
    FROM classifications c
    WHERE ${LEGACY_HUMAN} AND c.suggested_category IS NOT NULL AND c.suggested_confidence IS NOT NULL
      -- An audit without its rate cannot be weighed.
      AND c.review_reason IS DISTINCT FROM 'audit' AND ${inWindow('c.decided_at')}
  ) checked
  ORDER BY decided_at, "documentId" COLLATE "C"`;

/**
 * The model answers people checked in the window, as the statistics of accuracy take them: the first decision of each
 * answer in review_decisions (a double review's second is agreement, not a second sample), and the older human
 * decisions of classifications that have a suggestion (reviews only: an audit there has no recorded rate).
 */
export async function readCheckedAnswers(pool: Pool, window: DecisionWindow): Promise<CheckedAnswer[]> {
  const { rows } = await pool.query<CheckedAnswer>(CHECKED_ANSWERS, [window.since, window.until]);
  return rows.map(({ auditRate, ...answer }) => (answer.source === 'audit' ? { ...answer, auditRate } : answer));
}

const CONFIDENCE_COUNTS = `
  SELECT taxonomy, confidence, count(*)::int AS "count"
  FROM (SELECT taxonomy,
               round((CASE WHEN decided_by = 'model' THEN confidence ELSE suggested_confidence END)::numeric, 2)::float8
                 AS confidence
        FROM classifications WHERE ${inWindow('decided_at')}) answered
  WHERE confidence IS NOT NULL
  GROUP BY 1, 2 ORDER BY taxonomy COLLATE "C", confidence`;

/**
 * How many documents decided in the window the model answered with each confidence (rounded to 0.01), per taxonomy:
 * the model's own confidence for results it decided, its suggestion's for those a person decided. What a suggested
 * threshold's share of auto-accepted documents is computed from: every answered document, not a sample.
 */
export async function readConfidenceCounts(pool: Pool, window: DecisionWindow): Promise<ConfidenceCount[]> {
  return (await pool.query<ConfidenceCount>(CONFIDENCE_COUNTS, [window.since, window.until])).rows;
}

const DECISION_TIMINGS = `
  SELECT reviewer, "decidedAt", "pendingSince" FROM (
    SELECT reviewer, decided_at AS "decidedAt", pending_since AS "pendingSince"
    FROM review_decisions WHERE ${inWindow('decided_at')}
    UNION ALL
    SELECT c.reviewer, c.decided_at, NULL FROM classifications c
    WHERE ${LEGACY_HUMAN} AND c.reviewer IS NOT NULL AND ${inWindow('c.decided_at')}
  ) decisions
  ORDER BY "decidedAt", reviewer COLLATE "C"`;

/**
 * Every review decision of the window with who made it and when the document began waiting: review_decisions, and
 * the older human decisions of classifications (their pending time unknown).
 */
export async function readDecisionTimings(pool: Pool, window: DecisionWindow): Promise<DecisionTiming[]> {
  return (await pool.query<DecisionTiming>(DECISION_TIMINGS, [window.since, window.until])).rows;
}

const DOUBLE_REVIEWS = `
  SELECT first.category AS "first", second.category AS "second"
  FROM review_decisions second JOIN review_decisions first ON first.id = second.second_review_of
  WHERE ${inWindow('second.decided_at')}
  ORDER BY second.decided_at, second.id`;

/** The (first, second) categories of each double review completed in the window. */
export async function readDoubleReviews(pool: Pool, window: DecisionWindow): Promise<Array<[string, string]>> {
  const { rows } = await pool.query<{ first: string; second: string }>(DOUBLE_REVIEWS, [window.since, window.until]);
  return rows.map((r) => [r.first, r.second]);
}

/** How many decisions review_decisions holds for the window: the report shows its new sections only when some. */
export async function countReviewDecisions(pool: Pool, window: DecisionWindow): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(
    `SELECT count(*)::int AS "count" FROM review_decisions WHERE ${inWindow('decided_at')}`,
    [window.since, window.until],
  );
  return rows[0]?.count ?? 0;
}

/** A gold label as an evaluation takes it. */
export interface GoldLabel {
  documentId: string;
  taxonomy: string;
  category: string;
  sourceDecisionId: number | null;
  labelledBy: string;
  labelledAt: Date;
}

/**
 * Sets a document's gold label (from a review decision, or by hand); a label set again replaces the category and who
 * set it, and keeps an exclusion in force.
 */
export async function upsertGoldLabel(
  pool: Pool,
  label: Omit<GoldLabel, 'labelledAt' | 'sourceDecisionId'> & { sourceDecisionId?: number | null; labelledAt?: Date },
): Promise<void> {
  await pool.query(
    `INSERT INTO gold_labels (document_id, taxonomy, category, source_decision_id, labelled_by, labelled_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
     ON CONFLICT (document_id) DO UPDATE SET taxonomy = EXCLUDED.taxonomy, category = EXCLUDED.category,
       source_decision_id = EXCLUDED.source_decision_id, labelled_by = EXCLUDED.labelled_by,
       labelled_at = EXCLUDED.labelled_at`,
    [
      label.documentId,
      label.taxonomy,
      label.category,
      label.sourceDecisionId ?? null,
      label.labelledBy,
      label.labelledAt ?? null,
    ],
  );
}

/** Leaves a document out of the gold set, recording who and why; false when it has no label. */
export async function excludeGoldLabel(
  pool: Pool,
  documentId: string,
  exclusion: { reason: string; by: string },
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE gold_labels SET excluded = true, excluded_reason = $2, excluded_by = $3, excluded_at = now()
     WHERE document_id = $1`,
    [documentId, exclusion.reason, exclusion.by],
  );
  return (rowCount ?? 0) > 0;
}

/** Puts an excluded document back in the gold set; false when it has no label. */
export async function includeGoldLabel(pool: Pool, documentId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE gold_labels SET excluded = false, excluded_reason = NULL, excluded_by = NULL, excluded_at = NULL
     WHERE document_id = $1`,
    [documentId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The gold set of a taxonomy: its labels not excluded, of documents whose text is still stored (an erased document
 * cannot be classified again), in document id order.
 */
export async function readGoldSet(pool: Pool, taxonomy: string): Promise<GoldLabel[]> {
  const { rows } = await pool.query<GoldLabel & { sourceDecisionId: string | null }>(
    `SELECT g.document_id AS "documentId", g.taxonomy, g.category, g.source_decision_id AS "sourceDecisionId",
            g.labelled_by AS "labelledBy", g.labelled_at AS "labelledAt"
     FROM gold_labels g JOIN documents d ON d.id = g.document_id
     WHERE g.taxonomy = $1 AND NOT g.excluded ORDER BY g.document_id COLLATE "C"`,
    [taxonomy],
  );
  return rows.map((r) => ({ ...r, sourceDecisionId: r.sourceDecisionId === null ? null : Number(r.sourceDecisionId) }));
}

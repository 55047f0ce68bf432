import type { CanarySplit, Variant } from '../shared/split.js';
import type { Pool } from './pool.js';

export type CanaryStatus = 'active' | 'promoted' | 'rolled_back';

export interface CanaryRow extends CanarySplit {
  id: number;
  maxParseFailureRate: number;
  minCalls: number;
  status: CanaryStatus;
  reason: string | null;
  startedAt: Date;
  endedAt: Date | null;
}

function toRow(r: Record<string, unknown>): CanaryRow {
  return {
    id: Number(r.id),
    share: r.share as number,
    baseline: { promptVersion: r.baseline_prompt_version as string, model: r.baseline_model as string },
    candidate: { promptVersion: r.candidate_prompt_version as string, model: r.candidate_model as string },
    maxParseFailureRate: r.max_parse_failure_rate as number,
    minCalls: r.min_calls as number,
    status: r.status as CanaryStatus,
    reason: (r.reason as string | null) ?? null,
    startedAt: r.started_at as Date,
    endedAt: (r.ended_at as Date | null) ?? null,
  };
}

/** The newest canary, whatever its status. */
export async function latestCanary(pool: Pool): Promise<CanaryRow | undefined> {
  const { rows } = await pool.query('SELECT * FROM canaries ORDER BY id DESC LIMIT 1');
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Starts a canary unless one is active; returns the active one. */
export async function startCanary(
  pool: Pool,
  c: { baseline: Variant; candidate: Variant; share: number; maxParseFailureRate: number; minCalls: number },
): Promise<CanaryRow> {
  await pool.query(
    `INSERT INTO canaries (baseline_prompt_version, baseline_model, candidate_prompt_version, candidate_model, share,
       max_parse_failure_rate, min_calls, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'active') ON CONFLICT DO NOTHING`,
    [
      c.baseline.promptVersion,
      c.baseline.model,
      c.candidate.promptVersion,
      c.candidate.model,
      c.share,
      c.maxParseFailureRate,
      c.minCalls,
    ],
  );
  const { rows } = await pool.query(`SELECT * FROM canaries WHERE status = 'active'`);
  return toRow(rows[0]);
}

/** Ends the active canary: `promoted` (the candidate becomes the default) or `rolled_back`. */
export async function endCanary(
  pool: Pool,
  status: 'promoted' | 'rolled_back',
  reason: string,
): Promise<CanaryRow | undefined> {
  const { rows } = await pool.query(
    `UPDATE canaries SET status = $1, reason = $2, ended_at = now() WHERE status = 'active' RETURNING *`,
    [status, reason],
  );
  return rows[0] ? toRow(rows[0]) : undefined;
}

/**
 * The candidate's parse-failure rate so far (answers that failed validation, among answered calls). Rolls the
 * canary back when it crosses the threshold after enough calls; returns true when this call rolled it back.
 */
export async function rollBackIfFailing(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ answered: number; failed: number; max: number; min_calls: number }>(
    `SELECT count(*) FILTER (WHERE l.http_status = 200)::int AS answered,
            count(*) FILTER (WHERE l.http_status = 200 AND l.parse_ok = false)::int AS failed,
            c.max_parse_failure_rate AS max, c.min_calls
     FROM canaries c
     LEFT JOIN llm_calls l
       ON l.variant = 'candidate' AND l.purpose IN ('classify', 'repair') AND l.started_at >= c.started_at
     WHERE c.status = 'active' GROUP BY c.id, c.max_parse_failure_rate, c.min_calls`,
  );
  const r = rows[0];
  if (!r || r.answered < r.min_calls || r.failed / r.answered <= r.max) return false;
  const ended = await endCanary(
    pool,
    'rolled_back',
    `automatic: candidate parse-failure rate ${(r.failed / r.answered).toFixed(3)} over ${r.answered} calls exceeds ${r.max}`,
  );
  return ended !== undefined;
}

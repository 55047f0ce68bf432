import type { CanarySplit } from '../shared/split.js';
import type { Pool } from './pool.js';

/** Where a canary stands: trying its candidate, or ended one way or the other. */
export const CANARY_STATUSES = ['active', 'promoted', 'rolled_back'] as const;
export type CanaryStatus = (typeof CANARY_STATUSES)[number];

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

/** A canary to store: its variants, its share of new documents and its automatic rollback rule. */
export interface NewCanary extends CanarySplit {
  maxParseFailureRate: number;
  minCalls: number;
}

/** Starts a canary unless one is active; returns the active one. */
export async function startCanary(pool: Pool, c: NewCanary): Promise<CanaryRow> {
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

/** The active canary's rollback rule and its candidate's answered and invalid calls since it started. */
export interface CandidateParseCounts {
  /** Calls of purpose `classify` or `repair` the provider answered (HTTP 200). */
  answered: number;
  /** Of those, the answers that failed validation. */
  failed: number;
  maxParseFailureRate: number;
  minCalls: number;
}

/** The active canary's candidate's parse counts (undefined when no canary is active). */
export async function candidateParseCounts(pool: Pool): Promise<CandidateParseCounts | undefined> {
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
  return r && { answered: r.answered, failed: r.failed, maxParseFailureRate: r.max, minCalls: r.min_calls };
}

/** One variant's calls of purpose `classify` and `repair` during a canary, as the canary report counts them. */
export interface VariantCallCounts {
  variant: 'baseline' | 'candidate';
  calls: number;
  /** Calls the provider answered (HTTP 200). */
  answered: number;
  /** Answered calls whose answer failed validation. */
  parseFailed: number;
  /** Calls that ended with a valid answer. */
  valid: number;
  /** Valid answers below the confidence threshold. */
  lowConfidence: number;
  /** Calls with a cost, and the mean and standard deviation of it (USD). */
  costN: number;
  costMean: number | null;
  costSd: number | null;
  latencyMean: number | null;
  latencySd: number | null;
}

/** Human decisions during a canary on documents of one variant, and how many agreed with the model's suggestion. */
export interface VariantAgreementCounts {
  variant: 'baseline' | 'candidate';
  decided: number;
  agreed: number;
}

/**
 * Each variant's calls between `since` and `until`, counting only calls made with the variant's own prompt and model
 * (a cascade's stronger model or a larger-context model is not the variant being tried). `confidenceThreshold` marks
 * low confidence.
 */
export async function variantCallCounts(
  pool: Pool,
  window: { since: Date; until: Date },
  confidenceThreshold: number,
): Promise<VariantCallCounts[]> {
  const { rows } = await pool.query(
    `SELECT variant, count(*)::int AS calls,
       count(*) FILTER (WHERE http_status = 200)::int AS answered,
       count(*) FILTER (WHERE http_status = 200 AND parse_ok = false)::int AS parse_failed,
       count(*) FILTER (WHERE outcome = 'ok')::int AS valid,
       count(*) FILTER (WHERE outcome = 'ok' AND confidence < $3)::int AS low_confidence,
       avg(cost_usd)::float8 AS cost_mean, stddev_samp(cost_usd)::float8 AS cost_sd, count(cost_usd)::int AS cost_n,
       avg(latency_ms)::float8 AS latency_mean, stddev_samp(latency_ms)::float8 AS latency_sd
     FROM llm_calls
     WHERE variant IS NOT NULL AND purpose IN ('classify', 'repair') AND started_at >= $1 AND started_at <= $2
     GROUP BY variant`,
    [window.since, window.until, confidenceThreshold],
  );
  return rows.map((r) => ({
    variant: r.variant,
    calls: r.calls,
    answered: r.answered,
    parseFailed: r.parse_failed,
    valid: r.valid,
    lowConfidence: r.low_confidence,
    costN: r.cost_n,
    costMean: r.cost_mean,
    costSd: r.cost_sd,
    latencyMean: r.latency_mean,
    latencySd: r.latency_sd,
  }));
}

/** Each variant's human decisions since `since` on results that carried a model's suggestion. */
export async function variantAgreementCounts(pool: Pool, since: Date): Promise<VariantAgreementCounts[]> {
  const { rows } = await pool.query(
    `SELECT variant, count(*)::int AS decided, count(*) FILTER (WHERE category = suggested_category)::int AS agreed
     FROM classifications
     WHERE variant IS NOT NULL AND decided_by = 'human' AND suggested_category IS NOT NULL AND decided_at >= $1
     GROUP BY variant`,
    [since],
  );
  return rows.map((r) => ({ variant: r.variant, decided: r.decided, agreed: r.agreed }));
}

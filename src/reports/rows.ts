import type { QueryResultRow } from 'pg';
import type { Pool } from '../db/pool.js';
import { readProviderHealth, type ProviderHealth } from '../db/provider-health.js';
import { readAccuracyRows, type AccuracyRows } from './accuracy-rows.js';
import { agreementReport, type AgreementReport } from './agreement.js';

/** The report's window: calls by `started_at`, documents by `created_at`, classifications by `decided_at`. */
export interface ReportWindow {
  /** Inclusive; null: the beginning of the ledger. */
  since: Date | null;
  /** Exclusive; null: no upper bound. */
  until: Date | null;
}

/** Totals over the calls of the window. */
export interface CallTotalsRow {
  calls: number;
  pricedCalls: number;
  /** Dollars of the priced calls. */
  costUsd: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  ok: number;
  invalidOutput: number;
  error: number;
  /** Ledger rows still `started`: their outcome is unknown. */
  started: number;
  /** Calls answered with HTTP 200. */
  answered: number;
  /** Of those, answers that failed validation. */
  parseFailed: number;
  /** Calls that failed while the outage breaker was open. */
  outageCalls: number;
  medianInputTokensOk: number | null;
  /** Latency percentiles in milliseconds, of every call and of ok calls. */
  p50All: number | null;
  p95All: number | null;
  p99All: number | null;
  p50Ok: number | null;
  p95Ok: number | null;
  p99Ok: number | null;
}

/** Calls, cost and tokens of one group: a model, a prompt version, a taxonomy or a UTC day (`YYYY-MM-DD`). */
export interface CostGroupRow {
  key: string;
  calls: number;
  pricedCalls: number;
  /** Null when none of the group's calls is priced. */
  costUsd: number | null;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

/** Calls, cost and the wait for an answer of one mode (`realtime` or `batch_api`). */
export interface ModeRow {
  mode: 'realtime' | 'batch_api';
  calls: number;
  costUsd: number;
  providerJobs: number;
  /** Of answered calls: the latency (realtime) or the wait from queueing to the answer (Batch API), ms. */
  waitP50Ms: number | null;
  waitP95Ms: number | null;
}

/** How many rows have one value of a column, most frequent first. */
export interface CountRow {
  key: string;
  count: number;
}

export interface ErrorTypeRow extends CountRow {
  /** The class of the type's calls (one class per type). */
  errorClass: string | null;
}

/** Documents created in the window and, through their classification, who decided them. */
export interface DocumentCountsRow {
  total: number;
  completed: number;
  model: number;
  human: number;
  unreviewed: number;
}

/** Classifications decided in the window, by who decided. */
export interface DecisionCountsRow {
  classified: number;
  model: number;
  human: number;
  unreviewed: number;
}

/** Everything the report is built from, read in one go. */
export interface ReportRows {
  totals: CallTotalsRow;
  costByModel: CostGroupRow[];
  costByPromptVersion: CostGroupRow[];
  costByTaxonomy: CostGroupRow[];
  /** Only the days that had calls, oldest first. */
  costByDay: CostGroupRow[];
  /** Models of the window's unpriced calls, in byte order. */
  unpricedModels: string[];
  /** One row per mode that has calls, realtime first. */
  modes: ModeRow[];
  finishReasons: CountRow[];
  errorClasses: CountRow[];
  errorTypes: ErrorTypeRow[];
  documents: DocumentCountsRow;
  decisions: DecisionCountsRow;
  /** Human decisions of the window by the reason the document went to review. */
  reviewReasons: CountRow[];
  /** How often people agreed with the model, since the window's start. */
  agreement: AgreementReport;
  /** Undefined when the database has no provider state yet. */
  providerHealth: ProviderHealth | undefined;
  /** Audits, checked answers and reviewer decisions; undefined when review_decisions has none in the window. */
  accuracy?: AccuracyRows | undefined;
}

/** `column` inside [$1, $2); either bound may be null. */
const inWindow = (column: string) =>
  `($1::timestamptz IS NULL OR ${column} >= $1::timestamptz) AND ($2::timestamptz IS NULL OR ${column} < $2::timestamptz)`;
const CALLS_IN_WINDOW = inWindow('started_at');
const PRICED = `priced AND cost_usd IS NOT NULL`;
const REALTIME = `mode = 'realtime'`;
const REALTIME_OK = `mode = 'realtime' AND outcome = 'ok'`;
// Keys sort in byte order, so PostgreSQL (locale collation) and PGlite (C) list groups identically.
const byKey = (expr: string) => `(${expr}) COLLATE "C"`;

const TOTALS = `
  SELECT count(*)::int AS "calls",
         count(*) FILTER (WHERE ${PRICED})::int AS "pricedCalls",
         coalesce(sum(cost_usd) FILTER (WHERE ${PRICED}), 0)::float8 AS "costUsd",
         coalesce(sum(input_tokens), 0)::float8 AS "inputTokens",
         coalesce(sum(cached_tokens), 0)::float8 AS "cachedTokens",
         coalesce(sum(output_tokens), 0)::float8 AS "outputTokens",
         count(*) FILTER (WHERE outcome = 'ok')::int AS "ok",
         count(*) FILTER (WHERE outcome = 'invalid_output')::int AS "invalidOutput",
         count(*) FILTER (WHERE outcome = 'error')::int AS "error",
         count(*) FILTER (WHERE outcome = 'started')::int AS "started",
         count(*) FILTER (WHERE http_status = 200)::int AS "answered",
         count(*) FILTER (WHERE http_status = 200 AND parse_ok = false)::int AS "parseFailed",
         count(*) FILTER (WHERE outage)::int AS "outageCalls",
         percentile_cont(0.5) WITHIN GROUP (ORDER BY input_tokens) FILTER (WHERE outcome = 'ok') AS "medianInputTokensOk",
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ${REALTIME}) AS "p50All",
         percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ${REALTIME}) AS "p95All",
         percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ${REALTIME}) AS "p99All",
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ${REALTIME_OK}) AS "p50Ok",
         percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ${REALTIME_OK}) AS "p95Ok",
         percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ${REALTIME_OK}) AS "p99Ok"
  FROM llm_calls WHERE ${CALLS_IN_WINDOW}`;

/** By mode: a Batch API line's latency is its wait for the job (hours), reported apart from call latency. */
const MODES = `
  SELECT mode AS "mode", count(*)::int AS "calls",
         coalesce(sum(cost_usd) FILTER (WHERE ${PRICED}), 0)::float8 AS "costUsd",
         count(DISTINCT provider_job_id)::int AS "providerJobs",
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE http_status = 200) AS "waitP50Ms",
         percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE http_status = 200) AS "waitP95Ms"
  FROM llm_calls WHERE ${CALLS_IN_WINDOW} GROUP BY mode ORDER BY mode DESC`;

/** Groups by `expr`: the most expensive first (`cost`), or in key order (`key`, for days). */
const costBy = (expr: string, order: 'cost' | 'key') => `
  SELECT ${expr} AS "key", count(*)::int AS "calls", count(*) FILTER (WHERE ${PRICED})::int AS "pricedCalls",
         sum(cost_usd) FILTER (WHERE ${PRICED})::float8 AS "costUsd",
         coalesce(sum(input_tokens), 0)::float8 AS "inputTokens",
         coalesce(sum(cached_tokens), 0)::float8 AS "cachedTokens",
         coalesce(sum(output_tokens), 0)::float8 AS "outputTokens"
  FROM llm_calls WHERE ${CALLS_IN_WINDOW} GROUP BY 1
  ORDER BY ${order === 'cost' ? `"costUsd" DESC NULLS LAST, "calls" DESC, ${byKey(expr)}` : byKey(expr)}`;

const UNPRICED_MODELS = `
  SELECT model FROM llm_calls WHERE ${CALLS_IN_WINDOW} AND NOT (${PRICED}) GROUP BY model ORDER BY model COLLATE "C"`;

/** Counts rows by `expr` where `where` holds, most frequent first; `table` defaults to the calls of the window. */
const countBy = (expr: string, where: string, table = { name: 'llm_calls', window: CALLS_IN_WINDOW }) => `
  SELECT ${expr} AS "key", count(*)::int AS "count"
  FROM ${table.name} WHERE ${table.window} AND ${where} GROUP BY 1 ORDER BY 2 DESC, ${byKey(expr)}`;

const ERROR_TYPES = `
  SELECT error_type AS "key", count(*)::int AS "count", min(error_class) AS "errorClass"
  FROM llm_calls WHERE ${CALLS_IN_WINDOW} AND error_type IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, ${byKey('error_type')}`;

const DOCUMENTS = `
  SELECT count(*)::int AS "total", count(c.document_id)::int AS "completed",
         count(*) FILTER (WHERE c.decided_by = 'model' AND NOT c.unreviewed)::int AS "model",
         count(*) FILTER (WHERE c.decided_by = 'human')::int AS "human",
         count(*) FILTER (WHERE c.decided_by = 'model' AND c.unreviewed)::int AS "unreviewed"
  FROM documents d LEFT JOIN classifications c ON c.document_id = d.id WHERE ${inWindow('d.created_at')}`;

const DECISIONS = `
  SELECT count(*)::int AS "classified",
         count(*) FILTER (WHERE decided_by = 'model' AND NOT unreviewed)::int AS "model",
         count(*) FILTER (WHERE decided_by = 'human')::int AS "human",
         count(*) FILTER (WHERE decided_by = 'model' AND unreviewed)::int AS "unreviewed"
  FROM classifications WHERE ${inWindow('decided_at')}`;

const DECISIONS_IN_WINDOW = { name: 'classifications', window: inWindow('decided_at') };

/** The one row of an aggregate query. */
function single<T>(rows: T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('an aggregate query returned no row');
  return row;
}

type Rows = <T extends QueryResultRow>(sql: string) => Promise<T[]>;

/** The calls of the window: totals, cost groups, finish reasons and error classes. */
async function readCallRows(rows: Rows) {
  const [
    totals,
    costByModel,
    costByPromptVersion,
    costByTaxonomy,
    costByDay,
    unpricedModels,
    finishReasons,
    errorClasses,
    modes,
  ] = await Promise.all([
    rows<CallTotalsRow>(TOTALS),
    rows<CostGroupRow>(costBy('model', 'cost')),
    rows<CostGroupRow>(costBy('prompt_version', 'cost')),
    rows<CostGroupRow>(costBy('taxonomy', 'cost')),
    rows<CostGroupRow>(costBy(`to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, 'key')),
    rows<{ model: string }>(UNPRICED_MODELS),
    rows<CountRow>(countBy('finish_reason', 'finish_reason IS NOT NULL')),
    rows<CountRow>(countBy('error_class', 'error_class IS NOT NULL')),
    rows<ModeRow>(MODES),
  ]);
  return {
    totals: single(totals),
    costByModel,
    costByPromptVersion,
    costByTaxonomy,
    costByDay,
    unpricedModels: unpricedModels.map((r) => r.model),
    finishReasons,
    errorClasses,
    modes,
  };
}

/** Error types, documents, decisions and agreement, and the provider's state. */
async function readOutcomeRows(rows: Rows, pool: Pool, since: Date | null) {
  const [errorTypes, documents, decisions, reviewReasons, agreement, providerHealth] = await Promise.all([
    rows<ErrorTypeRow>(ERROR_TYPES),
    rows<DocumentCountsRow>(DOCUMENTS),
    rows<DecisionCountsRow>(DECISIONS),
    rows<CountRow>(countBy('review_reason', `decided_by = 'human' AND review_reason IS NOT NULL`, DECISIONS_IN_WINDOW)),
    agreementReport(pool, since ?? undefined),
    readProviderHealth(pool),
  ]);
  return {
    errorTypes,
    documents: single(documents),
    decisions: single(decisions),
    reviewReasons,
    agreement,
    providerHealth,
  };
}

/**
 * Reads every row the report is built from, for the window. Human agreement counts decisions from `since` up to now,
 * whatever the window's end.
 */
export async function readReportRows(pool: Pool, window: ReportWindow): Promise<ReportRows> {
  const params = [window.since, window.until];
  const rows: Rows = async (sql) => (await pool.query(sql, params)).rows;
  // Batches of fewer queries than a default pool's 10 connections, so a report leaves some to other requests.
  const calls = await readCallRows(rows);
  const outcomes = await readOutcomeRows(rows, pool, window.since);
  return { ...calls, ...outcomes, accuracy: await readAccuracyRows(pool, window) };
}

import type { Pool } from '../db/pool.js';
import { readProviderHealth } from '../db/provider-health.js';
import { agreementReport, type AgreementReport } from './agreement.js';
import { providerHealthView, type ProviderHealthView } from './provider-health.js';

/** Warning codes of the report: stable strings that tools may match on. */
export const REPORT_WARNING = {
  unpricedCalls: 'unpriced_calls',
  promptBelowCacheMinimum: 'prompt_below_cache_minimum',
  noCachedTokens: 'no_cached_tokens',
  latencyTail: 'latency_tail',
  finishReasonLength: 'finish_reason_length',
} as const;
export type ReportWarningCode = (typeof REPORT_WARNING)[keyof typeof REPORT_WARNING];

export interface ReportWarning {
  code: ReportWarningCode;
  message: string;
}

/** OpenAI caches prompt prefixes only from this many tokens on. */
export const CACHE_MIN_PROMPT_TOKENS = 1024;
/** With at least this many calls, a cached ratio of exactly zero is worth a warning. */
export const NO_CACHE_MIN_CALLS = 20;
/** p95 above this multiple of p50 is a latency tail worth a warning. */
export const LATENCY_TAIL_FACTOR = 3;
/** A share of `finish_reason: "length"` above this means output is being cut off. */
export const LENGTH_SHARE_LIMIT = 0.05;
/** Days with no calls are filled in (as zero) only when the window spans at most this many days. */
const MAX_FILLED_DAYS = 366;

export interface ReportOptions {
  /** Only what happened at or after this instant. @default the beginning of the ledger */
  since?: Date;
  /** Only what happened before this instant. @default no upper bound */
  until?: Date;
  /** The report's clock: its `generatedAt`, and the last day of an open-ended window. @default new Date() */
  now?: Date;
  /** DOCKET_RATE_LIMIT_ALERT_AFTER, for the provider section's storm flag, ms. @default 15 minutes */
  rateLimitAlertAfterMs?: number;
  /**
   * The calls were answered by Docket's simulator (`npm start` without a key): the report says so, and leaves out the
   * warnings only a real provider's answers can justify (prompt caching, latency tails). @default false
   */
  simulated?: boolean;
}

/** The provider now (outage breaker, hold, rate-limit storm) and the calls of the window that failed in an outage. */
export interface ProviderSection extends ProviderHealthView {
  /** Failed calls made while the outage breaker was open (not counted toward any document's ceiling). */
  outageCalls: number;
}

/** Warnings that describe the simulator, not the user's prompts or provider: left out of a simulated report. */
const SIMULATOR_ARTEFACTS: ReadonlySet<string> = new Set([
  REPORT_WARNING.promptBelowCacheMinimum,
  REPORT_WARNING.noCachedTokens,
  REPORT_WARNING.latencyTail,
]);

export interface DocumentsSection {
  /** Documents created in the window. */
  total: number;
  /** Of those, documents with a stored classification. */
  completed: number;
  /**
   * The rest: classifying, waiting for review, paused or failed. The database cannot tell these apart (the
   * workflow holds the live status), so they are reported together.
   */
  open: number;
  decidedBy: { model: number; human: number; unreviewed: number };
}

export interface CallsSection {
  total: number;
  ok: number;
  invalidOutput: number;
  error: number;
  /**
   * Calls whose ledger row is still `started`: written before the request, never completed (the worker was killed, or
   * the database was down when the answer came). Their outcome, and whether they were paid, is unknown.
   */
  unknownOutcome: number;
}

export interface CostRow {
  /** The group's value: a model, a prompt version, a taxonomy or a UTC date (`YYYY-MM-DD`). */
  key: string;
  calls: number;
  pricedCalls: number;
  /** Calls with no price (a model missing from the price table): their cost is unknown, not zero. */
  unpricedCalls: number;
  /** Dollars of the priced calls; null when none of the group's calls is priced. */
  costUsd: number | null;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

export interface CostSection {
  /** Dollars of the priced calls in the window. */
  totalUsd: number;
  calls: number;
  pricedCalls: number;
  unpricedCalls: number;
  /** Models that have unpriced calls. */
  unpricedModels: string[];
  byModel: CostRow[];
  byPromptVersion: CostRow[];
  byTaxonomy: CostRow[];
  /** One row per UTC day, oldest first; days without calls inside the window are included as zero. */
  byDay: CostRow[];
  warnings: ReportWarning[];
}

export interface TokensSection {
  input: number;
  cached: number;
  output: number;
  /** cached / input, or null when no input tokens were recorded. */
  cachedRatio: number | null;
  /** The median input tokens of successful calls: the prompt size the cache sees. */
  medianInputTokensOk: number | null;
  warnings: ReportWarning[];
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface LatencySection {
  /** Milliseconds, every call (failures and timeouts included). */
  all: Percentiles;
  /** Milliseconds, calls whose outcome is `ok`. */
  ok: Percentiles;
  warnings: ReportWarning[];
}

export interface ShareRow {
  key: string;
  count: number;
  /** count / the section's total, or null when the total is zero. */
  share: number | null;
}

export interface FinishReasonsSection {
  /** Calls that returned a finish_reason. */
  total: number;
  rows: ShareRow[];
  /** The share of `length`, or null when no call returned a finish_reason. */
  lengthShare: number | null;
  warnings: ReportWarning[];
}

export interface ParseSection {
  /** Calls answered with HTTP 200. */
  answered: number;
  /** Of those, calls whose output failed validation (parse_ok = false). */
  failed: number;
  rate: number | null;
}

export interface ErrorsSection {
  /** Calls with outcome `error` (an HTTP error, a timeout, a refused input). */
  errorCalls: number;
  /** errorCalls / all calls. */
  errorRate: number | null;
  /** Calls with an error class (output failures included), by class; share of all calls. */
  byClass: ShareRow[];
  byType: Array<ShareRow & { errorClass: string }>;
}

export interface ReviewSection {
  /** Classifications decided in the window. */
  classified: number;
  decidedByModel: number;
  decidedByHuman: number;
  /** The model's suggestion stored after nobody reviewed it in time. */
  unreviewed: number;
  /** (decidedByHuman + unreviewed) / classified: the share that needed a person. */
  reviewRate: number | null;
  /** Human decisions by the reason the document went to review. */
  byReason: ShareRow[];
  /** How often people chose what the model suggested (decisions since `since`). */
  agreement: AgreementReport;
  /** Caveats about this section's figures. */
  notes: string[];
}

/** The cost and quality report: JSON-serialisable, every section computed from the database. */
export interface Report {
  /** ISO 8601. */
  generatedAt: string;
  window: { since: string | null; until: string | null };
  documents: DocumentsSection;
  calls: CallsSection;
  cost: CostSection;
  tokens: TokensSection;
  latency: LatencySection;
  finishReasons: FinishReasonsSection;
  parse: ParseSection;
  errors: ErrorsSection;
  review: ReviewSection;
  /** Absent when the database has no provider state yet. */
  provider?: ProviderSection;
  /** Every section's warnings, in section order. */
  warnings: ReportWarning[];
  /** Present and true when the calls were answered by Docket's simulator, not a model. */
  simulated?: boolean;
}

/** `started_at` (or another column) inside [$1, $2); either bound may be null. */
const inWindow = (column: string) =>
  `($1::timestamptz IS NULL OR ${column} >= $1::timestamptz) AND ($2::timestamptz IS NULL OR ${column} < $2::timestamptz)`;

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const utcDay = (d: Date) => d.toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

const PRICED = `priced AND cost_usd IS NOT NULL`;
// Keys sort in byte order, so PostgreSQL (locale collation) and PGlite (C) list groups identically.
const byKey = (expr: string) => `(${expr}) COLLATE "C"`;

interface CostQueryRow {
  key: string;
  calls: number;
  priced_calls: number;
  cost: number | null;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
}

/**
 * Builds the cost and quality report for a window of the call ledger: documents, cost, tokens and caching,
 * latency, finish reasons, parse failures, errors, review and human agreement, with warnings where a figure
 * deserves attention. Calls are placed in the window by `started_at`, documents by `created_at` and
 * classifications by `decided_at`.
 */
export async function buildReport(pool: Pool, options: ReportOptions = {}): Promise<Report> {
  const now = options.now ?? new Date();
  const params = [options.since ?? null, options.until ?? null];
  const calls = inWindow('started_at');

  const costBy = (expr: string, order: 'cost' | 'key') =>
    pool.query<CostQueryRow>(
      `SELECT ${expr} AS key, count(*)::int AS calls, count(*) FILTER (WHERE ${PRICED})::int AS priced_calls,
              sum(cost_usd) FILTER (WHERE ${PRICED})::float8 AS cost,
              sum(input_tokens)::float8 AS input_tokens, sum(cached_tokens)::float8 AS cached_tokens,
              sum(output_tokens)::float8 AS output_tokens
       FROM llm_calls WHERE ${calls} GROUP BY 1
       ORDER BY ${order === 'cost' ? `cost DESC NULLS LAST, calls DESC, ${byKey(expr)}` : byKey(expr)}`,
      params,
    );
  const countBy = (expr: string, where: string, from: { table?: string; window?: string; extra?: string } = {}) =>
    pool.query<{ key: string; count: number; extra: string | null }>(
      `SELECT ${expr} AS key, count(*)::int AS count, min(${from.extra ?? 'NULL::text'}) AS extra
       FROM ${from.table ?? 'llm_calls'} WHERE ${from.window ?? calls} AND ${where} GROUP BY 1 ORDER BY 2 DESC, ${byKey(expr)}`,
      params,
    );

  const [totals, byModel, byPromptVersion, byTaxonomy, byDay, unpricedModels, finish, byClass, byType] =
    await Promise.all([
      pool.query(
        `SELECT count(*)::int AS calls,
                count(*) FILTER (WHERE ${PRICED})::int AS priced_calls,
                coalesce(sum(cost_usd) FILTER (WHERE ${PRICED}), 0)::float8 AS cost,
                coalesce(sum(input_tokens), 0)::float8 AS input_tokens,
                coalesce(sum(cached_tokens), 0)::float8 AS cached_tokens,
                coalesce(sum(output_tokens), 0)::float8 AS output_tokens,
                count(*) FILTER (WHERE outcome = 'ok')::int AS ok,
                count(*) FILTER (WHERE outcome = 'invalid_output')::int AS invalid_output,
                count(*) FILTER (WHERE outcome = 'error')::int AS error,
                count(*) FILTER (WHERE outcome = 'started')::int AS started,
                count(*) FILTER (WHERE http_status = 200)::int AS answered,
                count(*) FILTER (WHERE http_status = 200 AND parse_ok = false)::int AS parse_failed,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY input_tokens) FILTER (WHERE outcome = 'ok') AS median_input_ok,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50_all,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_all,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99_all,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS p50_ok,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS p95_ok,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS p99_ok
         FROM llm_calls WHERE ${calls}`,
        params,
      ),
      costBy('model', 'cost'),
      costBy('prompt_version', 'cost'),
      costBy('taxonomy', 'cost'),
      costBy(`to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, 'key'),
      pool.query<{ model: string }>(
        `SELECT model FROM llm_calls WHERE ${calls} AND NOT (${PRICED}) GROUP BY model ORDER BY model COLLATE "C"`,
        params,
      ),
      countBy('finish_reason', 'finish_reason IS NOT NULL'),
      countBy('error_class', 'error_class IS NOT NULL'),
      countBy('error_type', 'error_type IS NOT NULL', { extra: 'error_class' }),
    ]);

  const [documents, review, reasons, agreement] = await Promise.all([
    pool.query(
      `SELECT count(*)::int AS total, count(c.document_id)::int AS completed,
              count(*) FILTER (WHERE c.decided_by = 'model' AND NOT c.unreviewed)::int AS model,
              count(*) FILTER (WHERE c.decided_by = 'human')::int AS human,
              count(*) FILTER (WHERE c.decided_by = 'model' AND c.unreviewed)::int AS unreviewed
       FROM documents d LEFT JOIN classifications c ON c.document_id = d.id WHERE ${inWindow('d.created_at')}`,
      params,
    ),
    pool.query(
      `SELECT count(*)::int AS classified,
              count(*) FILTER (WHERE decided_by = 'model' AND NOT unreviewed)::int AS model,
              count(*) FILTER (WHERE decided_by = 'human')::int AS human,
              count(*) FILTER (WHERE decided_by = 'model' AND unreviewed)::int AS unreviewed
       FROM classifications WHERE ${inWindow('decided_at')}`,
      params,
    ),
    countBy('review_reason', `decided_by = 'human' AND review_reason IS NOT NULL`, {
      table: 'classifications',
      window: inWindow('decided_at'),
    }),
    agreementReport(pool, options.since),
  ]);

  const t = totals.rows[0] ?? {};
  const callCount = num(t.calls);

  // Cost
  const costRow = (r: CostQueryRow): CostRow => ({
    key: r.key,
    calls: r.calls,
    pricedCalls: r.priced_calls,
    unpricedCalls: r.calls - r.priced_calls,
    costUsd: numOrNull(r.cost),
    inputTokens: num(r.input_tokens),
    cachedTokens: num(r.cached_tokens),
    outputTokens: num(r.output_tokens),
  });
  const pricedCalls = num(t.priced_calls);
  const unpricedCalls = callCount - pricedCalls;
  const costWarnings: ReportWarning[] = [];
  if (unpricedCalls > 0) {
    const models = unpricedModels.rows.map((r) => r.model);
    costWarnings.push({
      code: REPORT_WARNING.unpricedCalls,
      message:
        `${unpricedCalls} of ${callCount} calls have no price (${models.join(', ')} not in the price table): ` +
        `their cost is unknown and not included in the totals`,
    });
  }
  const cost: CostSection = {
    totalUsd: num(t.cost),
    calls: callCount,
    pricedCalls,
    unpricedCalls,
    unpricedModels: unpricedModels.rows.map((r) => r.model),
    byModel: byModel.rows.map(costRow),
    byPromptVersion: byPromptVersion.rows.map(costRow),
    byTaxonomy: byTaxonomy.rows.map(costRow),
    byDay: fillDays(byDay.rows.map(costRow), options, now),
    warnings: costWarnings,
  };

  // Tokens and caching
  const input = num(t.input_tokens);
  const cached = num(t.cached_tokens);
  const cachedRatio = ratio(cached, input);
  const medianInputTokensOk = numOrNull(t.median_input_ok);
  const tokenWarnings: ReportWarning[] = [];
  if (medianInputTokensOk !== null && medianInputTokensOk < CACHE_MIN_PROMPT_TOKENS) {
    tokenWarnings.push({
      code: REPORT_WARNING.promptBelowCacheMinimum,
      message:
        `the median prompt of successful calls is ${Math.round(medianInputTokensOk)} tokens: prompts under ` +
        `${CACHE_MIN_PROMPT_TOKENS} tokens are never cached by OpenAI`,
    });
  } else if (cachedRatio === 0 && callCount >= NO_CACHE_MIN_CALLS) {
    tokenWarnings.push({
      code: REPORT_WARNING.noCachedTokens,
      message:
        `no cached input tokens in ${callCount} calls: the prompt prefix is probably not stable ` +
        `(put the instructions and taxonomy first and the document last)`,
    });
  }
  const tokens: TokensSection = {
    input,
    cached,
    output: num(t.output_tokens),
    cachedRatio,
    medianInputTokensOk,
    warnings: tokenWarnings,
  };

  // Latency
  const percentiles = (count: number, suffix: 'all' | 'ok'): Percentiles => ({
    count,
    p50: numOrNull(t[`p50_${suffix}`]),
    p95: numOrNull(t[`p95_${suffix}`]),
    p99: numOrNull(t[`p99_${suffix}`]),
  });
  const latency: LatencySection = {
    all: percentiles(callCount, 'all'),
    ok: percentiles(num(t.ok), 'ok'),
    warnings: [],
  };
  const tails = (['all', 'ok'] as const).filter((k) => {
    const { p50, p95 } = latency[k];
    return p50 !== null && p95 !== null && p95 > LATENCY_TAIL_FACTOR * p50;
  });
  if (tails.length > 0) {
    const describe = (k: 'all' | 'ok') =>
      `${k === 'all' ? 'all calls' : 'ok calls'} p95 ${Math.round(latency[k].p95 ?? 0)} ms vs p50 ${Math.round(latency[k].p50 ?? 0)} ms`;
    latency.warnings.push({
      code: REPORT_WARNING.latencyTail,
      message: `p95 latency is over ${LATENCY_TAIL_FACTOR}× p50 (${tails.map(describe).join('; ')})`,
    });
  }

  // Finish reasons
  const finishTotal = finish.rows.reduce((s, r) => s + r.count, 0);
  const lengthCount = finish.rows.find((r) => r.key === 'length')?.count ?? 0;
  const lengthShare = ratio(lengthCount, finishTotal);
  const finishReasons: FinishReasonsSection = {
    total: finishTotal,
    rows: finish.rows.map((r) => ({ key: r.key, count: r.count, share: ratio(r.count, finishTotal) })),
    lengthShare,
    warnings: [],
  };
  if (lengthShare !== null && lengthShare > LENGTH_SHARE_LIMIT) {
    finishReasons.warnings.push({
      code: REPORT_WARNING.finishReasonLength,
      message:
        `${(lengthShare * 100).toFixed(1)}% of answers stopped at the token limit (finish_reason "length", ` +
        `${lengthCount} of ${finishTotal}): raise max_tokens or shorten the requested reasoning`,
    });
  }

  // Parse failures and errors
  const answered = num(t.answered);
  const parseFailed = num(t.parse_failed);
  const errorCalls = num(t.error);

  // Review
  const d = documents.rows[0] ?? {};
  const r = review.rows[0] ?? {};
  const classified = num(r.classified);
  const human = num(r.human);
  const unreviewed = num(r.unreviewed);
  const humanDecisions = reasons.rows.reduce((s, row) => s + row.count, 0);
  const notes: string[] = [
    'documents still waiting for a person are not in the database until decided; they count as open documents',
  ];
  if (options.until) notes.push('human agreement counts decisions up to now: the window end does not apply to it');

  const sections = { cost, tokens, latency, finishReasons };
  const [health, outage] = await Promise.all([
    readProviderHealth(pool),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM llm_calls WHERE ${calls} AND outage`, params),
  ]);
  const provider = health
    ? {
        provider: {
          ...providerHealthView(health, options.rateLimitAlertAfterMs ?? 15 * 60_000, now),
          outageCalls: num(outage.rows[0]?.n),
        },
      }
    : {};
  if (options.simulated) {
    for (const section of Object.values(sections)) {
      section.warnings = section.warnings.filter((w) => !SIMULATOR_ARTEFACTS.has(w.code));
    }
    notes.unshift(
      "simulated: the calls were answered by Docket's simulator, not a model; costs are what a model would charge, " +
        'and warnings about prompt caching and latency, which only a real provider can show, are left out',
    );
  }
  return {
    ...provider,
    ...(options.simulated ? { simulated: true } : {}),
    generatedAt: now.toISOString(),
    window: { since: options.since?.toISOString() ?? null, until: options.until?.toISOString() ?? null },
    documents: {
      total: num(d.total),
      completed: num(d.completed),
      open: num(d.total) - num(d.completed),
      decidedBy: { model: num(d.model), human: num(d.human), unreviewed: num(d.unreviewed) },
    },
    calls: {
      total: callCount,
      ok: num(t.ok),
      invalidOutput: num(t.invalid_output),
      error: errorCalls,
      unknownOutcome: num(t.started),
    },
    ...sections,
    parse: { answered, failed: parseFailed, rate: ratio(parseFailed, answered) },
    errors: {
      errorCalls,
      errorRate: ratio(errorCalls, callCount),
      byClass: byClass.rows.map((row) => ({ key: row.key, count: row.count, share: ratio(row.count, callCount) })),
      byType: byType.rows.map((row) => ({
        key: row.key,
        count: row.count,
        share: ratio(row.count, callCount),
        errorClass: row.extra ?? '',
      })),
    },
    review: {
      classified,
      decidedByModel: num(r.model),
      decidedByHuman: human,
      unreviewed,
      reviewRate: ratio(human + unreviewed, classified),
      byReason: reasons.rows.map((row) => ({
        key: row.key,
        count: row.count,
        share: ratio(row.count, humanDecisions),
      })),
      agreement,
      notes,
    },
    warnings: Object.values(sections).flatMap((s) => s.warnings),
  };
}

/**
 * Adds zero rows for the days of the window that had no calls, so a chart of cost per day shows the gaps. The
 * window runs from `since` (else the first day with calls) to `until` (else today, or the last day with calls
 * when the window is unbounded).
 */
function fillDays(rows: CostRow[], options: ReportOptions, now: Date): CostRow[] {
  const first = rows[0]?.key;
  const last = rows[rows.length - 1]?.key;
  const start = options.since ? utcDay(options.since) : first;
  let end = options.until ? utcDay(new Date(options.until.getTime() - 1)) : options.since ? utcDay(now) : last;
  if (!start || !end) return rows;
  if (last && last > end) end = last;
  const startMs = Date.parse(`${first && first < start ? first : start}T00:00:00Z`);
  const endMs = Date.parse(`${end}T00:00:00Z`);
  if (!(endMs >= startMs) || (endMs - startMs) / DAY_MS + 1 > MAX_FILLED_DAYS) return rows;
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const filled: CostRow[] = [];
  for (let ms = startMs; ms <= endMs; ms += DAY_MS) {
    const key = utcDay(new Date(ms));
    filled.push(
      byKey.get(key) ?? {
        key,
        calls: 0,
        pricedCalls: 0,
        unpricedCalls: 0,
        costUsd: 0,
        inputTokens: 0,
        cachedTokens: 0,
        outputTokens: 0,
      },
    );
  }
  return filled;
}

import { latestCanary, type CanaryRow } from '../db/canary.js';
import type { Pool } from '../db/pool.js';

/** A proportion with its 95% Wilson score interval. */
export interface Rate {
  count: number;
  total: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** A mean with its 95% normal-approximation interval. */
export interface Mean {
  n: number;
  mean: number | null;
  low: number | null;
  high: number | null;
}

export interface VariantStats {
  variant: 'baseline' | 'candidate';
  promptVersion: string;
  model: string;
  calls: number;
  parseFailure: Rate;
  lowConfidence: Rate;
  humanAgreement: Rate;
  costPerCallUsd: Mean;
  latencyMs: Mean;
}

export interface CanaryReport {
  canary: CanaryRow;
  baseline: VariantStats;
  candidate: VariantStats;
}

const Z = 1.96;

/** The Wilson score interval: sound for small samples and rates near 0 or 1, unlike the normal approximation. */
export function wilson(count: number, total: number): Rate {
  if (total === 0) return { count, total, rate: null, low: null, high: null };
  const p = count / total;
  const denominator = 1 + (Z * Z) / total;
  const centre = (p + (Z * Z) / (2 * total)) / denominator;
  const half = (Z * Math.sqrt((p * (1 - p)) / total + (Z * Z) / (4 * total * total))) / denominator;
  return { count, total, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function meanInterval(n: number, mean: number | null, stddev: number | null): Mean {
  if (n === 0 || mean === null) return { n, mean: null, low: null, high: null };
  const half = n > 1 && stddev !== null ? (Z * stddev) / Math.sqrt(n) : 0;
  return { n, mean, low: mean - half, high: mean + half };
}

/**
 * Compares the canary's variants since it started, counting only calls made with the variant's own prompt and
 * model (a cascade's stronger model or a larger-context model is not the variant being tried): parse-failure rate, low-confidence rate (valid answers below
 * `confidenceThreshold`), human agreement with the model's suggestion, cost and latency per call.
 */
export async function canaryReport(pool: Pool, confidenceThreshold: number): Promise<CanaryReport | undefined> {
  const canary = await latestCanary(pool);
  if (!canary) return undefined;
  const until = canary.endedAt ?? new Date();
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
    [canary.startedAt, until, confidenceThreshold],
  );
  const agreement = await pool.query(
    `SELECT variant, count(*)::int AS decided, count(*) FILTER (WHERE category = suggested_category)::int AS agreed
     FROM classifications
     WHERE variant IS NOT NULL AND decided_by = 'human' AND suggested_category IS NOT NULL AND decided_at >= $1
     GROUP BY variant`,
    [canary.startedAt],
  );
  const stats = (variant: 'baseline' | 'candidate'): VariantStats => {
    const r = rows.find((x) => x.variant === variant);
    const a = agreement.rows.find((x) => x.variant === variant);
    const v = canary[variant];
    return {
      variant,
      promptVersion: v.promptVersion,
      model: v.model,
      calls: r?.calls ?? 0,
      parseFailure: wilson(r?.parse_failed ?? 0, r?.answered ?? 0),
      lowConfidence: wilson(r?.low_confidence ?? 0, r?.valid ?? 0),
      humanAgreement: wilson(a?.agreed ?? 0, a?.decided ?? 0),
      costPerCallUsd: meanInterval(r?.cost_n ?? 0, r?.cost_mean ?? null, r?.cost_sd ?? null),
      latencyMs: meanInterval(r?.calls ?? 0, r?.latency_mean ?? null, r?.latency_sd ?? null),
    };
  };
  return { canary, baseline: stats('baseline'), candidate: stats('candidate') };
}

function pct(r: Rate): string {
  if (r.rate === null) return 'n/a';
  return `${(r.rate * 100).toFixed(1)}% [${((r.low ?? 0) * 100).toFixed(1)}–${((r.high ?? 0) * 100).toFixed(1)}] of ${r.total}`;
}

function mean(m: Mean, digits: number, unit = ''): string {
  if (m.mean === null) return 'n/a';
  return `${m.mean.toFixed(digits)}${unit} [${(m.low ?? 0).toFixed(digits)}–${(m.high ?? 0).toFixed(digits)}]`;
}

/** The report as a table for the terminal, 95% intervals in brackets. */
export function formatCanaryReport(report: CanaryReport): string {
  const { canary, baseline, candidate } = report;
  const rows: [string, string, string][] = [
    [
      '',
      `baseline ${baseline.promptVersion} / ${baseline.model}`,
      `candidate ${candidate.promptVersion} / ${candidate.model}`,
    ],
    ['calls', String(baseline.calls), String(candidate.calls)],
    ['parse failures', pct(baseline.parseFailure), pct(candidate.parseFailure)],
    ['low confidence', pct(baseline.lowConfidence), pct(candidate.lowConfidence)],
    ['human agreement', pct(baseline.humanAgreement), pct(candidate.humanAgreement)],
    ['cost per call ($)', mean(baseline.costPerCallUsd, 6), mean(candidate.costPerCallUsd, 6)],
    ['latency (ms)', mean(baseline.latencyMs, 0), mean(candidate.latencyMs, 0)],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('   ')
      .trimEnd(),
  );
  return [
    `Canary #${canary.id}: ${canary.status}, ${(canary.share * 100).toFixed(1)}% of documents to the candidate since ${canary.startedAt.toISOString()}`,
    ...(canary.reason ? [`  ${canary.reason}`] : []),
    `  automatic rollback above ${(canary.maxParseFailureRate * 100).toFixed(1)}% parse failures after ${canary.minCalls} calls`,
    '',
    ...lines,
    '',
    '95% intervals in brackets (Wilson for rates).',
  ].join('\n');
}

// How the report writes its figures, in the terminal and on the HTML page alike.

/** Decimals a dollar amount needs: two from $10, four from one cent, six below. */
function usdDecimals(usd: number): number {
  const abs = Math.abs(usd);
  return abs === 0 || abs >= 10 ? 2 : abs >= 0.01 ? 4 : 6;
}

/**
 * Dollars with as many decimals as a small sum needs (see `usdDecimals`), or with `decimals` when given (a table
 * column aligns on one count). `null` (no priced call) reads `unpriced`, never `$0`.
 */
export function formatUsd(usd: number | null, decimals?: number): string {
  if (usd === null) return 'unpriced';
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (decimals === undefined && abs > 0 && abs < 0.0000005) return `${sign}<$0.000001`;
  const d = decimals ?? usdDecimals(usd);
  return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}`;
}

/** The decimals a column of dollar amounts needs so that every figure shows and they all align. */
export function usdColumnDecimals(values: Array<number | null>): number {
  return Math.max(2, ...values.map((v) => (v === null || v === 0 ? 2 : usdDecimals(v))));
}

/** A ratio as a percentage with one decimal; `n/a` when there was nothing to divide. */
export function formatPercent(rate: number | null): string {
  if (rate === null) return 'n/a';
  const pct = rate * 100;
  if (pct > 0 && pct < 0.1) return '<0.1%';
  return `${pct.toFixed(1)}%`;
}

/** A whole number with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A count and its noun, plural unless the count is one: `1 day`, `27 days`. */
export function formatCountOf(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** Milliseconds as a whole count: `1,234 ms`; `n/a` when there was nothing to measure. */
export function formatMs(ms: number | null): string {
  return ms === null ? 'n/a' : `${formatCount(ms)} ms`;
}

/** A wait as people read it: `850 ms`, `42 s`, `18 min`, `3.5 h`. */
export function formatWait(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** `2026-11-01 00:00 UTC` from an ISO instant. */
export function formatInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A 95% interval of a ratio as percentages, `92.1–98.1%`; `n/a` when there is none. */
export function formatInterval(low: number | null, high: number | null): string {
  if (low === null || high === null) return 'n/a';
  return `${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}%`;
}

/** A duration in the largest unit that keeps it readable: `45 s`, `12 min`, `3.4 h`, `2.1 d`; `n/a` for none. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A rate with one decimal: `12.5`. */
export const formatRate = (n: number): string => n.toFixed(1);

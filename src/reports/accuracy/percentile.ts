/**
 * The `p` quantile (0–1) of `values` by linear interpolation between closest ranks, as PostgreSQL's
 * `percentile_cont` computes it, so that figures computed here and in SQL agree. Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const below = sorted[lower] ?? 0;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? below;
  return below + (above - below) * (position - lower);
}

/** The median of `values`; null for no values. */
export const median = (values: readonly number[]): number | null => percentile(values, 0.5);

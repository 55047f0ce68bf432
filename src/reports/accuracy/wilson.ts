/** z of a two-sided 95% interval: the 97.5th percentile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

/** A confidence interval of a proportion, both ends in [0, 1]. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * The Wilson score interval of a proportion `successes / n` (95% by default).
 *
 * Why Wilson and not the textbook normal ("Wald") interval p ± z·√(p(1−p)/n): accuracies here are near 1 and samples
 * are small (a few hundred audits), exactly where Wald fails: at 50 of 50 correct it claims [1, 1], and near p = 1 it
 * runs past 1 and covers the true value far less often than 95%. Wilson's interval inverts the score test instead: it
 * stays inside [0, 1], is never empty at p = 0 or 1 (50 of 50 gives [0.929, 1]), and keeps close to its nominal
 * coverage for small n (Brown, Cai & DasGupta, "Interval Estimation for a Binomial Proportion", 2001). `n` may be an
 * effective sample size that is not a whole number (a weighted sample, see `effectiveSampleSize`). Null when n is 0.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): Interval | null {
  if (!(n > 0)) return null;
  const p = Math.min(1, Math.max(0, successes / n));
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - halfWidth), high: Math.min(1, centre + halfWidth) };
}

/**
 * Kish's effective sample size of weighted observations, (Σw)² / Σw²: how many unweighted observations carry as much
 * information. Equal weights give the count itself; a few heavy weights give less.
 */
export function effectiveSampleSize(weights: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  for (const w of weights) {
    sum += w;
    squares += w * w;
  }
  return squares > 0 ? (sum * sum) / squares : 0;
}

/** A weighted proportion with its Wilson interval over the effective sample size. */
export interface WeightedProportion {
  /** Observations, unweighted. */
  n: number;
  /** Observations that succeeded, unweighted. */
  successes: number;
  /** Σ weight of successes / Σ weight; null when there is no observation. */
  estimate: number | null;
  interval: Interval | null;
}

/** The weighted share of `hits` among `observations`, each with its weight, and its 95% Wilson interval. */
export function weightedProportion(observations: ReadonlyArray<{ hit: boolean; weight: number }>): WeightedProportion {
  let total = 0;
  let hitWeight = 0;
  let successes = 0;
  for (const { hit, weight } of observations) {
    total += weight;
    if (hit) {
      hitWeight += weight;
      successes += 1;
    }
  }
  if (!(total > 0)) return { n: observations.length, successes, estimate: null, interval: null };
  const estimate = hitWeight / total;
  const nEff = effectiveSampleSize(observations.map((o) => o.weight));
  return { n: observations.length, successes, estimate, interval: wilsonInterval(estimate * nEff, nEff) };
}

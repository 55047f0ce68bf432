import type { LatencyProfile } from './types.js';

/** A seeded pseudo-random sequence (mulberry32): the same seed gives the same numbers in [0, 1). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = Math.trunc(seed) >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal deviate (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), Number.EPSILON);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** z of the 95th percentile of the standard normal distribution. */
const Z95 = 1.6448536269514722;

/** Draws one latency in whole milliseconds from a profile. */
export function sampleLatency(profile: LatencyProfile, prng: Prng): number {
  if ('min' in profile) {
    const low = Math.max(0, Math.min(profile.min, profile.max));
    const high = Math.max(low, profile.max);
    return Math.round(low + (high - low) * prng.next());
  }
  if (profile.p50 <= 0) return 0;
  const mu = Math.log(profile.p50);
  const sigma = Math.max(0, Math.log(Math.max(profile.p95, profile.p50)) - mu) / Z95;
  // Capped so that one unlucky draw cannot stall a test run.
  return Math.round(Math.min(Math.exp(mu + sigma * prng.normal()), profile.p95 * 5));
}

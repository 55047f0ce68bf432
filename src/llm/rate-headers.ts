/**
 * Parses the provider's `x-ratelimit-reset-*` durations (`20ms`, `1.5s`, `6m0s`, `1h2m3s`) into milliseconds.
 * Undefined when absent or not a duration.
 */
export function parseResetDuration(raw: string | null | undefined): number | undefined {
  if (!raw) return undefined;
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(
    raw.trim(),
  );
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  const [h = '0', m = '0', s = '0', ms = '0'] = match.slice(1).map((part) => part ?? '0');
  return Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000 + Number(ms);
}

/**
 * How long to hold the next call back, from the `x-ratelimit-*` headers of an answer. OpenAI replenishes a limit
 * continuously, at limit/60 a second, and reports in `reset` when it is whole again: so a call needing more than
 * remains waits for the missing part to replenish, and never longer than `reset`. Undefined when the headers leave
 * room, or are absent (not every OpenAI-compatible server sends them).
 */
export function holdFromHeaders(headers: Headers, nextCallTokens: number): number | undefined {
  const number = (name: string) => {
    const raw = headers.get(name);
    const value = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
    return Number.isFinite(value) ? value : undefined;
  };
  const holds: number[] = [];
  for (const [dimension, needed] of [
    ['requests', 1],
    ['tokens', nextCallTokens],
  ] as const) {
    const remaining = number(`x-ratelimit-remaining-${dimension}`);
    if (remaining === undefined || remaining >= needed) continue;
    const reset = parseResetDuration(headers.get(`x-ratelimit-reset-${dimension}`));
    const limit = number(`x-ratelimit-limit-${dimension}`);
    const replenish = limit ? ((needed - remaining) / limit) * 60_000 : undefined;
    const hold = reset === undefined ? replenish : replenish === undefined ? reset : Math.min(reset, replenish);
    if (hold !== undefined) holds.push(hold);
  }
  return holds.length > 0 ? Math.max(...holds) : undefined;
}

/**
 * What this worker has learnt from the provider's headers: no call before `until`. It is per process; the shared
 * buckets do the pacing, and this catches what they cannot know (another client on the same key, a limit lower
 * than configured).
 */
export class ProviderHold {
  private until = 0;
  private limits: { rpm?: number; tpm?: number } = {};

  /**
   * Learns the provider's limits from the `x-ratelimit-limit-*` headers of a rate-limit answer. Once the provider has
   * refused a call, calls are paced to what it says it allows (as `DOCKET_LLM_RPM` / `DOCKET_LLM_TPM` would), so
   * that the calls that waited for its Retry-After do not all go at once and draw the next 429s.
   */
  learnLimits(headers: Headers): void {
    for (const [key, name] of [
      ['rpm', 'x-ratelimit-limit-requests'],
      ['tpm', 'x-ratelimit-limit-tokens'],
    ] as const) {
      const value = Number(headers.get(name) ?? Number.NaN);
      if (Number.isInteger(value) && value > 0) this.limits[key] = value;
    }
  }

  /** The limits learnt from rate-limit answers, to pace to where none is configured. */
  learnedLimits(): { rpm?: number; tpm?: number } {
    return { ...this.limits };
  }

  /** Holds calls for `ms` from now (a later hold already noted stands). */
  holdFor(ms: number, now = Date.now()): void {
    this.until = Math.max(this.until, now + ms);
  }

  /** Milliseconds left before calls may go again. */
  remainingMs(now = Date.now()): number {
    return Math.max(0, this.until - now);
  }
}

/** The window over which rpm and tpm are enforced. */
export const RATE_WINDOW_MS = 60_000;

/** Limits reported in `x-ratelimit-limit-*` when none are enforced (OpenAI's top tier for gpt-4o-mini). */
export const UNLIMITED_RPM = 30_000;
export const UNLIMITED_TPM = 150_000_000;

/** One admitted request; its tokens grow when the completion is known. */
export interface WindowEntry {
  at: number;
  tokens: number;
}

/** Why a request was refused. `retryAfterMs` is absent when waiting cannot help (one request above the tpm). */
export interface RateRefusal {
  dimension: 'requests' | 'tokens';
  limit: number;
  used: number;
  requested: number;
  retryAfterMs?: number;
}

/** What the `x-ratelimit-*` headers report. */
export interface RateSnapshot {
  limitRequests: number;
  remainingRequests: number;
  resetRequestsMs: number;
  limitTokens: number;
  remainingTokens: number;
  resetTokensMs: number;
}

/** Requests- and tokens-per-minute limits over a sliding 60 s window. */
export class RateLimiter {
  private entries: WindowEntry[] = [];

  /** Admits a request of `tokens` tokens, or says which limit it exceeds and when capacity frees. */
  admit(
    now: number,
    limits: { rpm?: number | undefined; tpm?: number | undefined },
    tokens: number,
  ): { entry: WindowEntry } | { refusal: RateRefusal } {
    this.prune(now);
    const { rpm, tpm } = limits;
    if (rpm !== undefined && this.entries.length >= rpm) {
      const freeing = this.entries[this.entries.length - rpm];
      return {
        refusal: {
          dimension: 'requests',
          limit: rpm,
          used: this.entries.length,
          requested: 1,
          retryAfterMs: freeing ? this.expiresIn(freeing, now) : RATE_WINDOW_MS,
        },
      };
    }
    if (tpm !== undefined) {
      const used = this.usedTokens();
      if (tokens > tpm) return { refusal: { dimension: 'tokens', limit: tpm, used, requested: tokens } };
      if (used + tokens > tpm) {
        let remaining = used;
        let retryAfterMs = RATE_WINDOW_MS;
        for (const entry of this.entries) {
          remaining -= entry.tokens;
          if (remaining + tokens <= tpm) {
            retryAfterMs = this.expiresIn(entry, now);
            break;
          }
        }
        return { refusal: { dimension: 'tokens', limit: tpm, used, requested: tokens, retryAfterMs } };
      }
    }
    const entry = { at: now, tokens };
    this.entries.push(entry);
    return { entry };
  }

  /**
   * Current usage against the limits (or the large defaults). A reset is reported as OpenAI reports it, the time to
   * replenish what is used at the limit's rate; once a limit is exhausted, the time until the window frees capacity.
   */
  snapshot(now: number, limits: { rpm?: number | undefined; tpm?: number | undefined }): RateSnapshot {
    this.prune(now);
    const limitRequests = limits.rpm ?? UNLIMITED_RPM;
    const limitTokens = limits.tpm ?? UNLIMITED_TPM;
    const usedRequests = this.entries.length;
    const usedTokens = this.usedTokens();
    const oldest = this.entries[0];
    const freeing = oldest ? this.expiresIn(oldest, now) : 0;
    const reset = (used: number, limit: number): number =>
      used >= limit ? freeing : Math.ceil((used * RATE_WINDOW_MS) / limit);
    return {
      limitRequests,
      remainingRequests: Math.max(0, limitRequests - usedRequests),
      resetRequestsMs: reset(usedRequests, limitRequests),
      limitTokens,
      remainingTokens: Math.max(0, limitTokens - usedTokens),
      resetTokensMs: reset(usedTokens, limitTokens),
    };
  }

  clear(): void {
    this.entries = [];
  }

  private usedTokens(): number {
    return this.entries.reduce((sum, entry) => sum + entry.tokens, 0);
  }

  private expiresIn(entry: WindowEntry, now: number): number {
    return Math.max(1, entry.at + RATE_WINDOW_MS - now);
  }

  private prune(now: number): void {
    const firstLive = this.entries.findIndex((entry) => entry.at + RATE_WINDOW_MS > now);
    this.entries = firstLive === -1 ? [] : this.entries.slice(firstLive);
  }
}

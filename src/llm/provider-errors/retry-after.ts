import { parseResetDuration } from '../rate-headers.js';

/**
 * The headers that carry the provider's wait, most precise first. A gateway in front of the provider may pass the
 * provider's own headers on with a prefix: the LiteLLM proxy forwards them as `llm_provider-<name>`.
 */
const RETRY_AFTER_MS_HEADERS = ['retry-after-ms', 'llm_provider-retry-after-ms'];
const RETRY_AFTER_HEADERS = ['retry-after', 'llm_provider-retry-after'];

function parseRetryAfter(raw: string, now: number): number | undefined {
  const seconds = Number(raw.trim());
  if (raw.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Parses `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date), also when a gateway forwards them
 * as `llm_provider-retry-after(-ms)`. Undefined when none is present or none parses.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  for (const name of RETRY_AFTER_MS_HEADERS) {
    const raw = headers.get(name);
    const ms = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
    if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  }
  for (const name of RETRY_AFTER_HEADERS) {
    const raw = headers.get(name);
    const ms = raw === null ? undefined : parseRetryAfter(raw, now);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** Milliseconds per unit spelled out in words, singular (a plural's trailing "s" is dropped before the lookup). */
const UNIT_MS: Record<string, number> = { millisecond: 1, sec: 1000, second: 1000, min: 60_000, minute: 60_000 };

/**
 * The wait a message asks for in words: OpenAI's "Please try again in 1.2s" / "in 6m0s", Azure's "Please retry after
 * 6 seconds", LiteLLM's cooldown "Try again in 4 seconds". Gateways that drop the provider's headers keep its message,
 * so this is often the only trace of the provider's Retry-After.
 */
export function retryAfterFromWording(text: string): number | undefined {
  const match =
    /\b(?:try again|retry) (?:in|after) (\d+(?:\.\d+)?(?:h|ms|m|s)(?:[\d.]+(?:ms|m|s))*|\d+(?:\.\d+)?) ?(milliseconds?|seconds?|secs?|minutes?|mins?)?\b/i.exec(
      text,
    );
  if (!match?.[1]) return undefined;
  const [, amount, unit] = match;
  if (unit) {
    const perUnit = UNIT_MS[unit.toLowerCase().replace(/s$/, '')];
    return perUnit === undefined ? undefined : Math.ceil(Number(amount) * perUnit);
  }
  // A bare number with no unit is how Retry-After itself counts: seconds.
  if (/^\d+(?:\.\d+)?$/.test(amount)) return Math.ceil(Number(amount) * 1000);
  const ms = parseResetDuration(amount);
  return ms === undefined ? undefined : Math.ceil(ms);
}

/**
 * The delay before the next attempt of a transient failure: the provider's Retry-After when it sent one
 * (never earlier), else exponential backoff; both with jitter so that retries of many documents spread out.
 */
export function nextRetryDelayMs(
  attempt: number,
  retryAfter: number | undefined,
  options: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const { baseMs = 1000, maxMs = 60_000, random = Math.random } = options;
  if (retryAfter !== undefined) {
    return Math.ceil(retryAfter + 25 + random() * Math.min(1000, retryAfter * 0.25));
  }
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.ceil(exponential / 2 + random() * (exponential / 2));
}

import { APIError } from 'openai';
import type { Logger } from 'pino';
import { holdFromHeaders } from '../../llm/rate-headers.js';
import type { MappedFailure } from '../../llm/provider-errors/index.js';
import { ERROR_TYPES, OUTAGE_ERROR_TYPES, type ErrorType } from '../../shared/errors.js';
import { noteProviderAnswer, noteProviderFailure, noteRateLimited, type GatePass } from '../outage-breaker.js';
import type { LlmActivityDeps } from './types.js';

const RATE_LIMIT_TYPES: readonly ErrorType[] = [ERROR_TYPES.rateLimited, ERROR_TYPES.unconfirmedRateLimit];

/** An answer's `x-ratelimit-*` headers: when they report the limit reached, this worker holds its next calls. */
export function noteAnswerHeaders(
  deps: Pick<LlmActivityDeps, 'providerHold'>,
  headers: Headers,
  nextCallTokens: number,
) {
  const hold = holdFromHeaders(headers, nextCallTokens);
  if (hold !== undefined) deps.providerHold?.holdFor(hold);
}

/** After an answer: the provider is up (the outage breaker closes, a rate-limit storm ends). */
export async function noteProviderUp(deps: LlmActivityDeps, log: Logger, pass: GatePass): Promise<void> {
  if (deps.providerHealth) await noteProviderAnswer(deps.pool, log, { ok: true, pass });
}

/** The longest of the waits the provider asked for; undefined when it asked for none. */
export function longestWait(...waits: (number | undefined)[]): number | undefined {
  const asked = waits.filter((ms): ms is number => ms !== undefined);
  return asked.length > 0 ? Math.max(...asked) : undefined;
}

/**
 * What a failed call tells of the provider: a rate limit holds every worker until the provider's time (Retry-After,
 * or the `x-ratelimit-*` headers of the error answer) and feeds the storm alert; a server error, reset or timeout
 * feeds the outage breaker; any other answer shows the provider up. Returns whether the failure is part of an
 * outage, and the longest wait the provider asked for.
 */
export async function noteFailureHealth(
  deps: LlmActivityDeps,
  log: Logger,
  f: {
    err: unknown;
    mapped: MappedFailure;
    pass: GatePass;
    documentId: string;
    holder: string;
    nextCallTokens: number;
  },
): Promise<{ outage: boolean; retryAfterMs?: number }> {
  const headers = f.err instanceof APIError ? f.err.headers : undefined;
  const headerHold = headers ? holdFromHeaders(headers, f.nextCallTokens) : undefined;
  if (headerHold !== undefined) deps.providerHold?.holdFor(headerHold);
  if (headers && f.mapped.type === ERROR_TYPES.rateLimited) deps.providerHold?.learnLimits(headers);
  const retryAfterMs = longestWait(f.mapped.retryAfterMs, headerHold);
  const settings = deps.providerHealth;
  if (!settings) return { outage: false, retryAfterMs };
  if (RATE_LIMIT_TYPES.includes(f.mapped.type)) {
    await noteRateLimited(deps.pool, log, {
      holdMs: retryAfterMs,
      confirmed: f.mapped.type === ERROR_TYPES.rateLimited,
      settings,
    });
  }
  if (OUTAGE_ERROR_TYPES.includes(f.mapped.type)) {
    const outage = await noteProviderFailure(deps.pool, log, { ...f, settings });
    return { outage, retryAfterMs };
  }
  await noteProviderAnswer(deps.pool, log, { ok: false, pass: f.pass });
  return { outage: false, retryAfterMs };
}

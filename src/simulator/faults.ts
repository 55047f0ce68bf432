import { z } from 'zod';
import {
  badGateway,
  bareTooManyRequests,
  contentPolicyViolation,
  contextLengthExceeded,
  formatDuration,
  insufficientQuota,
  invalidApiKey,
  modelNotFound,
  overloaded,
  overloaded529,
  rateLimitExceeded,
  serverError,
  unsupportedRegion,
  unsupportedResponseFormat,
  type ErrorAnswer,
} from './openai-errors.js';
import type { Prng } from './prng.js';
import { FAULT_KINDS, OUTPUT_FAULT_KINDS, type FaultKind, type FaultRule, type FaultSpec } from './types.js';

/** A fault with its parameters spelled out: the object form of a `FaultSpec`. */
export type ResolvedFault = Exclude<FaultSpec, FaultKind>;

/** Faults that answer 200 with a doubtful or unusable message. */
export const OUTPUT_FAULTS = new Set<FaultKind>(OUTPUT_FAULT_KINDS);

const faultKindSchema = z.enum(FAULT_KINDS);

/** A rule as sent to `POST /_sim/rules`. */
export const faultRuleSchema = z.strictObject({
  match: z.string(),
  model: z.string().optional(),
  faults: z.array(
    z.union([
      faultKindSchema,
      z.strictObject({
        kind: faultKindSchema,
        retryAfterMs: z.number().min(0).optional(),
        latencyMs: z.number().min(0).optional(),
        confidence: z.number().min(0).max(1).optional(),
        category: z.string().optional(),
        retryAfterFormat: z.enum(['seconds', 'http-date']).optional(),
        shouldRetry: z.boolean().optional(),
        reasoning: z.string().optional(),
      }),
    ]),
  ),
  repeat: z.boolean().optional(),
});

/** An outage as sent to `POST /_sim/outage`: every request answers `kind` for `durationMs`. */
export const outageSchema = z.strictObject({
  durationMs: z.number().min(0),
  kind: faultKindSchema
    .refine((k) => !OUTPUT_FAULTS.has(k), { message: 'an outage answers with an error or connection fault' })
    .default('overloaded'),
});

/** Spells out a fault given by name. */
export function resolveFault(spec: FaultSpec): ResolvedFault {
  return typeof spec === 'string' ? { kind: spec } : { ...spec };
}

interface RuleState {
  rule: FaultRule;
  next: number;
}

/** The rules in force, each consumed one fault per matching request. */
export class RuleBook {
  private rules: RuleState[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule: { ...rule, faults: [...rule.faults] }, next: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The next fault of the first rule that matches `userText` (and `model`) and has faults left, consuming it. */
  take(userText: string, model: string): ResolvedFault | undefined {
    for (const state of this.rules) {
      const { match, faults, repeat } = state.rule;
      if (match !== '*' && !userText.includes(match)) continue;
      if (state.rule.model !== undefined && state.rule.model !== model) continue;
      if (faults.length === 0 || (!repeat && state.next >= faults.length)) continue;
      const spec = faults[state.next % faults.length];
      state.next = repeat ? (state.next + 1) % faults.length : state.next + 1;
      if (spec !== undefined) return resolveFault(spec);
    }
    return undefined;
  }
}

/** Draws at most one fault from per-request probabilities; one draw per request keeps seeded runs reproducible. */
export function drawFault(rates: Partial<Record<FaultKind, number>>, prng: Prng): FaultKind | undefined {
  const draw = prng.next();
  let cumulative = 0;
  for (const kind of FAULT_KINDS) {
    cumulative += rates[kind] ?? 0;
    if (draw < cumulative) return kind;
  }
  return undefined;
}

/** What an error fault needs to know about the request it answers. */
export interface FaultContext {
  model: string;
  apiKey: string;
  contextWindow: number;
  promptTokens: number;
  rpm: number;
  defaultRetryAfterMs: number;
}

/** The HTTP answer of an error fault, or undefined for connection and output faults. */
export function faultErrorAnswer(fault: ResolvedFault, context: FaultContext): ErrorAnswer | undefined {
  const retryAfterMs =
    fault.kind === 'rate_limit'
      ? (fault.retryAfterMs ?? context.defaultRetryAfterMs)
      : fault.kind === 'insufficient_quota'
        ? undefined
        : fault.retryAfterMs;
  const answer = baseAnswer(fault.kind, context, retryAfterMs ?? 0);
  if (!answer) return answer;
  const headers = { ...answer.headers };
  if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry);
  if (retryAfterMs !== undefined) {
    Object.assign(
      headers,
      fault.retryAfterFormat === 'http-date'
        ? { 'retry-after': httpDateAfter(retryAfterMs) }
        : retryAfterHeaders(retryAfterMs, fault.kind === 'rate_limit'),
    );
  }
  return { ...answer, headers };
}

/** An HTTP date at least `ms` from now (whole seconds, rounded up, as the format allows). */
export function httpDateAfter(ms: number, now = Date.now()): string {
  return new Date(Math.ceil((now + ms) / 1000) * 1000).toUTCString();
}

/** `retry-after` (whole seconds, rounded up) and `retry-after-ms`; for a 429 also the exhausted request budget. */
export function retryAfterHeaders(retryAfterMs: number, exhausted: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'retry-after': String(Math.ceil(retryAfterMs / 1000)),
    'retry-after-ms': String(Math.round(retryAfterMs)),
  };
  if (exhausted) {
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = formatDuration(retryAfterMs);
  }
  return headers;
}

function baseAnswer(kind: FaultKind, context: FaultContext, retryAfterMs: number): ErrorAnswer | undefined {
  switch (kind) {
    case 'rate_limit':
      return rateLimitExceeded(context.model, 'requests', context.rpm, context.rpm, 1, retryAfterMs);
    case 'insufficient_quota':
      return insufficientQuota();
    case 'context_length_exceeded':
      return contextLengthExceeded(context.contextWindow, context.contextWindow + context.promptTokens);
    case 'invalid_request':
      return unsupportedResponseFormat();
    case 'unauthorized':
      return invalidApiKey(context.apiKey);
    case 'forbidden':
      return unsupportedRegion();
    case 'model_not_found':
      return modelNotFound(context.model);
    case 'server_error':
      return serverError();
    case 'bad_gateway':
      return badGateway();
    case 'overloaded':
      return overloaded();
    case 'overloaded_529':
      return overloaded529();
    case 'bare_429':
      return bareTooManyRequests();
    case 'content_policy_violation':
      return contentPolicyViolation();
    default:
      return undefined;
  }
}

import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import { APIError } from 'openai';
import type OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { Logger } from 'pino';
import { countActivityFailures, getDocument } from '../db/queries.js';
import type { Pool } from '../db/pool.js';
import { contextWindow } from '../llm/models.js';
import { priceUsage } from '../llm/pricing.js';
import { buildMessages, responseFormat, type RepairContext } from '../llm/prompt.js';
import { loadPrompts } from '../llm/prompts.js';
import { detectInjection, type InjectionSignal } from '../llm/injection.js';
import { holdFromHeaders, type ProviderHold } from '../llm/rate-headers.js';
import { rollBackIfFailing } from '../db/canary.js';
import { countTokens, TOKENS_PER_MESSAGE } from '../llm/tokens.js';
import { classificationOutputSchema, type ClassificationOutput } from '../shared/classification.js';
import { ERROR_TYPE_CLASS, ERROR_TYPES, OUTAGE_ERROR_TYPES, type ErrorType } from '../shared/errors.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import { callerExecution, sleepWithHeartbeats } from './execution.js';
import { recordBudgetEvent, recordProviderHold } from './metrics.js';
import { callLedger, type StartedCall } from './ledger.js';
import { isInfrastructureError } from '../shared/infrastructure-errors.js';
import { infrastructureFailure } from './infrastructure.js';
import { reserveForCall } from './spend-guard.js';
import { mapProviderError, nextRetryDelayMs, type MappedFailure } from './map-provider-error.js';
import {
  noteProviderAnswer,
  noteProviderFailure,
  noteRateLimited,
  passProviderGate,
  type GatePass,
  type ProviderHealthSettings,
} from './outage-breaker.js';

export interface LlmActivityDeps {
  pool: Pool;
  openai: OpenAI;
  logger: Logger;
  /** Output token cap of each call. */
  maxOutputTokens: number;
  /** Timeout of one HTTP call, in milliseconds. */
  timeoutMs: number;
  /** The provider's requests-per-minute limit, paced across workers; unset = no pacing. */
  rpm?: number;
  /** The provider's tokens-per-minute limit, paced across workers; unset = no pacing. */
  tpm?: number;
  /** The daily budget in dollars; unset = no cap. */
  dailyBudgetUsd?: number;
  /** Share of workflows whose calls are kept whole in `samples`; failures always are. @default 0 */
  sampleRate?: number;
  /** What the provider's `x-ratelimit-*` headers said about when calls may go again (per worker process). */
  providerHold?: ProviderHold;
  /** Told about every finished attempt (sizes the worker's LLM slots). */
  onCallFinished?: (call: FinishedCall) => void;
  /** The outage breaker and rate-limit storm alert shared through the database; unset = neither. */
  providerHealth?: ProviderHealthSettings;
}

/** One attempt as the worker's slot sizing sees it. */
export interface FinishedCall {
  /** Time the attempt held its slot, less any wait for the rate buckets, ms. */
  busyMs: number;
  /** Tokens the provider counted; absent when no answer came. */
  tokens?: number;
}

export interface ClassifyWithLlmInput {
  documentId: string;
  taxonomy: Taxonomy;
  model: string;
  promptVersion: string;
  /** Set on the one repair attempt after invalid output. */
  repair?: RepairContext;
  /** Why this call is made. @default 'classify' (or 'repair' with `repair`) */
  purpose?: 'classify' | 'repair' | 'cascade' | 'large_context' | 'compare';
  /** The canary variant the document was routed to. */
  variant?: 'baseline' | 'candidate';
  /**
   * Failed calls of this activity that pause the document: server errors (5xx, resets, timeouts) outside an outage,
   * and, counted apart, 429s that are not demonstrably rate limits. Rate limits never count. Unset (workflows started
   * before it): the retry policy's attempt ceiling bounds every failure instead.
   */
  serverErrorCeiling?: number;
  /** What to do while the outage breaker is open. @default 'bounded' */
  outage?: 'report' | 'wait';
}

export type ClassifyWithLlmResult = {
  /** Injection signals found in the document (src/llm/injection.ts); absent when none. */
  suspiciousInstructions?: InjectionSignal[];
  attempt: number;
  promptHash: string;
  latencyMs: number;
  costUsd: number | null;
} & (
  | { outcome: 'valid'; output: ClassificationOutput }
  | { outcome: 'invalid'; errors: string[]; previousOutput: string; finishReason: string | null }
);

const HEARTBEAT_INTERVAL_MS = 2_000;
const PREVIOUS_OUTPUT_LIMIT = 2_000;
/** Longest an attempt waits for a reset the provider's headers announced (the attempt's timeout is 2 minutes). */
const MAX_PROVIDER_HOLD_MS = 20_000;

/**
 * Throws the failure of an attempt. `final`: a transient failure that reached the document's ceiling, not retried.
 * `retryAfterMs`: the longest wait the provider asked for (Retry-After or its `x-ratelimit-*` headers).
 */
function failWith(mapped: MappedFailure, attempt: number, options: { final: boolean; retryAfterMs?: number }): never {
  const transient = mapped.errorClass === 'transient';
  const retryAfterMs = options.retryAfterMs ?? mapped.retryAfterMs;
  throw ApplicationFailure.create({
    type: mapped.type,
    message: options.final ? `${mapped.message} (the document's ceiling of failed calls is reached)` : mapped.message,
    nonRetryable: !transient || options.final,
    nextRetryDelay: transient && !options.final ? nextRetryDelayMs(attempt, retryAfterMs) : undefined,
    details: [
      {
        errorClass: mapped.errorClass,
        status: mapped.status,
        code: mapped.code,
        retryAfterMs,
        ...(options.final ? { ceilingReached: true } : {}),
      },
    ],
  });
}

const RATE_LIMIT_TYPES: ErrorType[] = [ERROR_TYPES.rateLimited, ERROR_TYPES.unconfirmedRateLimit];

/** Error types counted together toward the ceiling, for a failure of `type`; undefined when it never counts. */
function ceilingGroup(type: ErrorType): readonly ErrorType[] | undefined {
  if (OUTAGE_ERROR_TYPES.includes(type)) return OUTAGE_ERROR_TYPES;
  if (type === ERROR_TYPES.unconfirmedRateLimit) return [type];
  return undefined;
}

/** Validates the model's answer; returns the problems in words the model can act on. */
export function validateAnswer(
  completion: ChatCompletion,
  taxonomy: Taxonomy,
): { ok: true; output: ClassificationOutput } | { ok: false; errors: string[]; raw: string } {
  const choice = completion.choices[0];
  const raw = choice?.message.content ?? '';
  if (!choice) return { ok: false, errors: ['the response had no choices'], raw };
  if (choice.finish_reason === 'length') {
    return { ok: false, errors: ['the answer was cut off at the output token limit; answer more briefly'], raw };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, errors: ['the answer was not valid JSON'], raw };
  }
  const result = classificationOutputSchema(taxonomy.categories).safeParse(parsed);
  if (!result.success) {
    return { ok: false, errors: result.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`), raw };
  }
  return { ok: true, output: result.data };
}

/** Builds the LLM activity: one HTTP call per attempt, recorded in the ledger whatever its outcome. */
export function createClassifyWithLlm(deps: LlmActivityDeps) {
  return async function classifyWithLlm(input: ClassifyWithLlmInput): Promise<ClassifyWithLlmResult> {
    const started = performance.now();
    const call: { waitedMs: number; tokens?: number } = { waitedMs: 0 };
    try {
      return await attempt(deps, input, call);
    } catch (err) {
      // The database or Temporal away: retried with backoff, never a provider error, never counted toward the ceiling.
      if (!(err instanceof ApplicationFailure) && isInfrastructureError(err)) {
        throw infrastructureFailure(err, activityInfo().attempt);
      }
      throw err;
    } finally {
      deps.onCallFinished?.({ busyMs: performance.now() - started - call.waitedMs, tokens: call.tokens });
    }
  };
}

/** One attempt; notes in `call` what the slot sizing needs to know. */
async function attempt(
  deps: LlmActivityDeps,
  input: ClassifyWithLlmInput,
  call: { waitedMs: number; tokens?: number },
): Promise<ClassifyWithLlmResult> {
  const info = activityInfo();
  const execution = callerExecution();
  const ctx = Context.current();
  const log = deps.logger.child({
    workflowId: execution.workflowId,
    documentId: input.documentId,
    attempt: info.attempt,
  });
  const document = await getDocument(deps.pool, input.documentId);
  if (!document) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.documentNotFound,
      message: `document ${input.documentId} is not in the database`,
      nonRetryable: true,
    });
  }

  const prompt = loadPrompts().find(input.promptVersion);
  if (!prompt) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.invalidRequest,
      message: `prompt version "${input.promptVersion}" is not in prompts/ on this worker: deploy it, then resume`,
      nonRetryable: true,
    });
  }
  // The prompt sets its output cap; DOCKET_MAX_OUTPUT_TOKENS is a ceiling over every prompt.
  const maxOutputTokens = Math.min(prompt.maxOutputTokens, deps.maxOutputTokens);
  const messages = buildMessages(input.taxonomy, document.text, input.repair, prompt);
  // Pre-flight: a document that cannot fit is sent to review before any money is spent.
  const promptTokens = messages.reduce((n, m) => n + countTokens(m.content) + TOKENS_PER_MESSAGE, 0);
  const limit = contextWindow(input.model);
  if (promptTokens + maxOutputTokens > limit) {
    log.warn({ promptTokens, limit }, 'document exceeds the context window; no call made');
    throw ApplicationFailure.create({
      type: ERROR_TYPES.contextLengthExceeded,
      message: `the prompt needs ${promptTokens} tokens plus ${maxOutputTokens} for the answer; ${input.model} takes ${limit}`,
      nonRetryable: true,
      details: [{ errorClass: 'input', preflight: true, promptTokens }],
    });
  }

  const ledger: StartedCall = {
    callKey: `${execution.workflowId}/${execution.runId}/${info.activityId}/${info.attempt}`,
    documentId: input.documentId,
    workflowId: execution.workflowId,
    runId: execution.runId,
    activityAttempt: info.attempt,
    purpose: input.purpose ?? (input.repair ? 'repair' : 'classify'),
    model: input.model,
    promptVersion: input.promptVersion,
    promptHash: prompt.hash,
    variant: input.variant ?? null,
    taxonomy: input.taxonomy.name,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    costUsd: null,
    priced: false,
    httpStatus: null,
    errorClass: null,
    errorType: null,
    finishReason: null,
    parseOk: null,
    requestId: null,
    startedAt: new Date(),
  };
  // The provider said no request or too few tokens remain: wait for its reset rather than draw a 429. Bounded, so
  // the attempt stays well inside its timeout; a limit still exhausted then answers 429 and is retried as such.
  const holdMs = Math.min(deps.providerHold?.remainingMs() ?? 0, MAX_PROVIDER_HOLD_MS);
  if (holdMs > 0) {
    log.debug({ holdMs }, "holding the call: the provider's rate-limit headers report the limit reached");
    const heldFrom = performance.now();
    await sleepWithHeartbeats(holdMs);
    call.waitedMs += performance.now() - heldFrom;
    recordProviderHold(holdMs);
  }
  const pass: GatePass = deps.providerHealth
    ? await passProviderGate(deps.pool, {
        holder: ledger.callKey,
        callTimeoutMs: deps.timeoutMs,
        mode: input.outage ?? 'bounded',
        log,
      })
    : { probe: false, breakerOpen: false, waitedMs: 0 };
  call.waitedMs += pass.waitedMs;
  // Without configured limits, the limits the provider announced when it last refused a call.
  const learned = deps.providerHold?.learnedLimits() ?? {};
  const reservation = await reserveForCall(
    {
      pool: deps.pool,
      logger: log,
      rpm: deps.rpm ?? learned.rpm,
      tpm: deps.tpm ?? learned.tpm,
      dailyBudgetUsd: deps.dailyBudgetUsd,
      onBudgetEvent: recordBudgetEvent,
    },
    { model: input.model, promptTokens, maxOutputTokens },
  );
  call.waitedMs += reservation.waitedMs;
  const request = {
    model: input.model,
    messages,
    response_format: responseFormat(input.taxonomy),
    max_completion_tokens: maxOutputTokens,
    temperature: prompt.temperature,
  };
  const rec = callLedger({
    pool: deps.pool,
    logger: log,
    sampleRate: deps.sampleRate ?? 0,
    row: ledger,
    request,
    attempt: info.attempt,
  });
  try {
    // Write-ahead: the row exists before any money is spent; without it no request is sent.
    await rec.start();
  } catch (err) {
    await bestEffort(log, 'release the reservation', () => reservation.settle({ tokens: 0, costUsd: 0 }));
    throw err;
  }
  const started = performance.now();
  const heartbeat = setInterval(() => ctx.heartbeat(), HEARTBEAT_INTERVAL_MS);
  let completion: ChatCompletion;
  let requestId: string | null = null;
  try {
    const { data, request_id, response } = await deps.openai.chat.completions
      .create(request, { signal: ctx.cancellationSignal, timeout: deps.timeoutMs, maxRetries: 0 })
      .withResponse();
    completion = data;
    requestId = request_id;
    // The next call on this worker will be about this size.
    const hold = holdFromHeaders(response.headers, promptTokens + maxOutputTokens);
    if (hold !== undefined) deps.providerHold?.holdFor(hold);
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    await reservation.settle({ tokens: 0, costUsd: 0 });
    const mapped = mapProviderError(err);
    if (!mapped) {
      // Cancelled by Temporal: the HTTP request was aborted; it is still a call in the ledger.
      await rec.finish({
        ...ledger,
        costUsd: 0,
        priced: true,
        latencyMs,
        outcome: 'error',
        errorType: 'cancelled',
      });
      throw err;
    }
    const { outage, retryAfterMs } = await noteFailureHealth(deps, log, {
      err,
      mapped,
      pass,
      documentId: input.documentId,
      holder: ledger.callKey,
      nextCallTokens: promptTokens + maxOutputTokens,
    });
    await rec.finish(
      {
        ...ledger,
        // A refused request consumes no tokens: it is priced, at exactly nothing.
        costUsd: 0,
        priced: true,
        latencyMs,
        outcome: 'error',
        httpStatus: mapped.status ?? null,
        errorClass: mapped.errorClass,
        errorType: mapped.type,
        requestId: mapped.requestId ?? null,
        outage,
      },
      { error: mapped.message, status: mapped.status, code: mapped.code },
    );
    log.warn({ errorType: mapped.type, status: mapped.status, retryAfterMs, outage }, mapped.message);
    const group = ceilingGroup(mapped.type);
    const final =
      input.serverErrorCeiling !== undefined &&
      group !== undefined &&
      !outage &&
      (await countActivityFailures(deps.pool, input.documentId, activityKeyPrefix(ledger.callKey), group)) >=
        input.serverErrorCeiling;
    failWith(mapped, info.attempt, { final, retryAfterMs });
  } finally {
    clearInterval(heartbeat);
  }
  const latencyMs = Math.round(performance.now() - started);
  const usage = {
    inputTokens: completion.usage?.prompt_tokens ?? 0,
    cachedTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: completion.usage?.completion_tokens ?? 0,
  };
  const { costUsd, priced } = priceUsage(input.model, usage);
  call.tokens = usage.inputTokens + usage.outputTokens;
  // The answer is paid for: from here a database blink must not lose it (a retry would pay again), so the writes
  // below are retried or best-effort, and the answer is returned even when its ledger row stays `started`.
  await bestEffort(log, 'note the provider up', async () => {
    if (deps.providerHealth) await noteProviderAnswer(deps.pool, log, { ok: true, pass });
  });
  await bestEffort(log, 'settle the reservation', () =>
    reservation.settle({ tokens: usage.inputTokens + usage.outputTokens, costUsd: costUsd ?? reservation.costUsd }),
  );
  if (!priced) log.warn({ model: input.model }, 'model missing from the price table; cost not recorded');
  const choice = completion.choices[0];
  const base = {
    ...ledger,
    ...usage,
    costUsd,
    priced,
    latencyMs,
    httpStatus: 200,
    finishReason: choice?.finish_reason ?? null,
    requestId,
  };

  // A refusal or a filtered answer is about the input: no retry, a person decides.
  if (choice?.message.refusal || choice?.finish_reason === 'content_filter') {
    const type: ErrorType = ERROR_TYPES.contentFiltered;
    await rec.finish(
      { ...base, outcome: 'error', errorClass: ERROR_TYPE_CLASS[type], errorType: type, parseOk: false },
      completion,
    );
    throw ApplicationFailure.create({
      type,
      message: choice.message.refusal ? 'the model refused to classify the document' : 'the answer was filtered',
      nonRetryable: true,
      details: [{ errorClass: 'input' }],
    });
  }

  const verdict = validateAnswer(completion, input.taxonomy);
  if (!verdict.ok) {
    await rec.finish(
      { ...base, outcome: 'invalid_output', errorClass: 'output', errorType: 'invalid_output', parseOk: false },
      completion,
    );
    log.warn({ errors: verdict.errors, finishReason: base.finishReason }, 'invalid output');
    await bestEffort(log, 'check the canary', async () => {
      if (input.variant === 'candidate' && (await rollBackIfFailing(deps.pool))) {
        log.error('canary rolled back automatically: the candidate fails validation too often');
      }
    });
    return {
      outcome: 'invalid',
      errors: verdict.errors,
      previousOutput: verdict.raw.slice(0, PREVIOUS_OUTPUT_LIMIT),
      finishReason: base.finishReason,
      attempt: info.attempt,
      promptHash: prompt.hash,
      latencyMs,
      costUsd,
    };
  }
  await rec.finish({ ...base, outcome: 'ok', parseOk: true, confidence: verdict.output.confidence }, completion);
  // Issue 13: instructions aimed at the model in the document; names only, never the text, go to the workflow.
  const suspicious = detectInjection(document.text);
  if (suspicious.length > 0) log.warn({ signals: suspicious }, 'document holds instructions aimed at the model');
  return {
    ...(suspicious.length > 0 ? { suspiciousInstructions: suspicious } : {}),
    outcome: 'valid',
    output: verdict.output,
    attempt: info.attempt,
    promptHash: prompt.hash,
    latencyMs,
    costUsd,
  };
}

/** Runs a database write that must not fail a call already paid for; a failure is logged, not thrown. */
async function bestEffort(log: Logger, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    log.warn({ errorName: err instanceof Error ? err.name : undefined }, `could not ${what}`);
  }
}

/** The ledger key of an attempt without its attempt number: the key prefix of every attempt of the activity. */
function activityKeyPrefix(callKey: string): string {
  return callKey.slice(0, callKey.lastIndexOf('/') + 1);
}

/**
 * What a failed call tells of the provider: a rate limit holds every worker until the provider's time (Retry-After,
 * or the `x-ratelimit-*` headers of the error answer) and feeds the storm alert; a server error, reset or timeout
 * feeds the outage breaker; any other answer shows the provider up. Returns whether the failure is part of an
 * outage, and the longest wait the provider asked for.
 */
async function noteFailureHealth(
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
  const waits = [f.mapped.retryAfterMs, headerHold].filter((ms): ms is number => ms !== undefined);
  const retryAfterMs = waits.length > 0 ? Math.max(...waits) : undefined;
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

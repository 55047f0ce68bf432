import { Context } from '@temporalio/activity';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { answerUsage } from '../../llm/answer.js';
import { priceUsage, type TokenUsage } from '../../llm/pricing.js';
import { noteAnswerHeaders } from './provider-feedback.js';
import type { PlannedRequest } from './request.js';
import type { AttemptScope } from './scope.js';

const HEARTBEAT_INTERVAL_MS = 2_000;

/** An answer of the provider, with what it cost. */
export interface ReceivedAnswer {
  completion: ChatCompletion;
  requestId: string | null;
  latencyMs: number;
  usage: TokenUsage;
  /** Null for a model missing from the price table. */
  costUsd: number | null;
  priced: boolean;
}

/**
 * Handles a call that got no answer (recording it, telling the provider's health, choosing the retry) and throws
 * the attempt's failure; it runs while the attempt still heartbeats.
 */
export type CallFailureHandler = (err: unknown, latencyMs: number) => Promise<never>;

/**
 * The HTTP call: one request, no SDK retries (Temporal owns them), heartbeating while it is in flight, aborted when
 * Temporal cancels the activity. The answer's `x-ratelimit-*` headers set this worker's provider hold.
 */
export async function sendRequest(
  scope: AttemptScope,
  plan: PlannedRequest,
  onFailure: CallFailureHandler,
): Promise<ReceivedAnswer> {
  const { deps } = scope;
  const ctx = Context.current();
  const started = performance.now();
  const heartbeat = setInterval(() => ctx.heartbeat(), HEARTBEAT_INTERVAL_MS);
  let completion: ChatCompletion;
  let requestId: string | null;
  try {
    const { data, request_id, response } = await deps.openai.chat.completions
      .create(plan.request, { signal: ctx.cancellationSignal, timeout: deps.timeoutMs, maxRetries: 0 })
      .withResponse();
    completion = data;
    requestId = request_id;
    // The next call on this worker will be about this size.
    noteAnswerHeaders(deps, response.headers, plan.callTokens);
  } catch (err) {
    return await onFailure(err, Math.round(performance.now() - started));
  } finally {
    clearInterval(heartbeat);
  }
  const latencyMs = Math.round(performance.now() - started);
  return { completion, requestId, latencyMs, ...priceAnswer(scope.input.model, completion) };
}

/** The tokens the provider counted for an answer and their price. */
export function priceAnswer(
  model: string,
  completion: ChatCompletion,
): { usage: TokenUsage; costUsd: number | null; priced: boolean } {
  const usage = answerUsage(completion);
  const { costUsd, priced } = priceUsage(model, usage);
  return { usage, costUsd, priced };
}

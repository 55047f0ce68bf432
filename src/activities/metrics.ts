import { metricMeter } from '@temporalio/activity';
import type { LlmCallRow } from '../db/queries.js';

/**
 * Docket's own metrics for one LLM call, recorded through the Temporal SDK's metric meter so that they are served
 * on the same Prometheus endpoint as the SDK's (names get the `temporal_` prefix off: they are ours).
 */
export function recordCallMetrics(call: Omit<LlmCallRow, 'callKey'>): void {
  const tags = { model: call.model, prompt_version: call.promptVersion, outcome: call.outcome };
  metricMeter
    .createCounter('docket_llm_calls', 'calls', 'LLM calls by outcome')
    .add(1, { ...tags, error_type: call.errorType ?? 'none' });
  const tokens = metricMeter.createCounter('docket_llm_tokens', 'tokens', 'Tokens by kind');
  tokens.add(call.inputTokens - call.cachedTokens, { model: call.model, kind: 'input_uncached' });
  tokens.add(call.cachedTokens, { model: call.model, kind: 'input_cached' });
  tokens.add(call.outputTokens, { model: call.model, kind: 'output' });
  if (call.costUsd !== null) {
    metricMeter
      .createCounter('docket_llm_cost_microusd', 'microusd', 'Cost in millionths of a dollar')
      .add(Math.round(call.costUsd * 1e6), { model: call.model });
  }
  metricMeter.createHistogram('docket_llm_latency', 'int', 'ms', 'LLM call latency').record(call.latencyMs, tags);
  if (call.parseOk === false) {
    metricMeter
      .createCounter('docket_parse_failures', 'calls', 'Answers that failed validation')
      .add(1, { model: call.model });
  }
}

/** Counts budget warnings and exhaustion. */
export function recordBudgetEvent(event: string): void {
  metricMeter.createCounter('docket_budget_events', 'events', 'Daily budget warnings and pauses').add(1, { event });
}

/** The LLM calls in flight this worker takes at most now (fixed, or sized from the limits and latency). */
export function recordLlmSlots(size: number): void {
  metricMeter.createGauge('docket_llm_slots', 'int', 'calls', 'LLM calls in flight per worker, at most').set(size);
}

/** Time a call was held back because the provider's rate-limit headers reported the limit reached. */
export function recordProviderHold(ms: number): void {
  metricMeter
    .createCounter('docket_llm_provider_hold_ms', 'ms', "Time calls waited for the provider's limit to replenish")
    .add(Math.round(ms));
}

/** The outage breaker opened or closed (shared by every worker: the worker that saw it counts it). */
export function recordBreakerEvent(event: 'open' | 'close'): void {
  metricMeter
    .createCounter('docket_outage_breaker_events', 'events', 'Outage breaker openings and closings')
    .add(1, { event });
}

/** The rate-limit storm alert was raised, or the storm ended with a success. */
export function recordRateLimitStormEvent(event: 'alert' | 'over'): void {
  metricMeter
    .createCounter('docket_rate_limit_storm_events', 'events', 'Rate-limit storm alerts and their ends')
    .add(1, { event });
}

import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { returnTokens, reserveBudget, settleBudget, takeTokens, type BucketSpec } from '../db/limits.js';
import type { Pool } from '../db/pool.js';
import { worstCaseCostUsd } from '../llm/pricing.js';
import { ERROR_TYPES } from '../shared/errors.js';
import { sleepWithHeartbeats } from './execution.js';

export interface SpendGuardOptions {
  pool: Pool;
  logger: Logger;
  /** The provider's requests-per-minute limit to pace to; unset = no pacing. */
  rpm?: number;
  /** The provider's tokens-per-minute limit to pace to; unset = no pacing. */
  tpm?: number;
  /** The daily budget in dollars; unset = no cap. */
  dailyBudgetUsd?: number;
  /** Counts budget warnings and pauses (metrics). */
  onBudgetEvent?: (event: 'warn_80' | 'reached_100' | 'exhausted') => void;
}

/** Share of the provider's TPM Docket paces to: a sliding one-minute window must never see more than the limit. */
const TPM_HEADROOM = 0.95;

export interface Reservation {
  tokens: number;
  /** Time spent waiting for the rate buckets, ms. */
  waitedMs: number;
  costUsd: number;
  day?: string;
  /** Gives back what the call did not use; call exactly once, after the call. */
  settle(actual: { tokens: number; costUsd: number }): Promise<void>;
}

function tpmBucket(tpm: number): BucketSpec {
  // A burst of one second's worth at most: the provider's window is a sliding minute, not a fresh bucket.
  return { name: 'llm-tpm', capacity: tpm / 60, refillPerSecond: (tpm * TPM_HEADROOM) / 60 };
}

/**
 * One request per token, a burst of one. A request taken at t reaches the provider a little later, so a sliding
 * minute there can hold the requests of 60 s plus that delay: at most 1 + (60 + delay) × refill. A refill of
 * (RPM − 2)/60 keeps that under the limit while the delay stays under the gap between requests; 1% below the
 * limit covers longer delays at high limits, where the gap is a few milliseconds. Tiny limits get half of theirs.
 */
export function rpmBucket(rpm: number): BucketSpec {
  return { name: 'llm-rpm', capacity: 1, refillPerSecond: Math.max(Math.min(rpm - 2, rpm * 0.99), rpm / 2) / 60 };
}

/** Takes `cost` from a bucket, sleeping (with heartbeats) until it is there; returns the time waited, ms. */
async function waitForTokens(pool: Pool, bucket: BucketSpec, cost: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const waitMs = await takeTokens(pool, bucket, cost);
    if (waitMs === 0) return performance.now() - started;
    // Then ask again: another worker may have taken what refilled meanwhile.
    await sleepWithHeartbeats(Math.min(waitMs, 5_000));
  }
}

/** Milliseconds until the next UTC midnight, when a new budget window opens. */
export function nextBudgetWindow(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/**
 * Before a call: waits for the shared requests- and tokens-per-minute buckets, then reserves the call's worst-case
 * cost against today's budget (throwing the operator failure `DocketBudgetExhausted` when it would not fit). After
 * the call, `settle` returns the unused tokens and replaces the reservation with the real cost.
 */
export async function reserveForCall(
  options: SpendGuardOptions,
  call: { model: string; promptTokens: number; maxOutputTokens: number },
): Promise<Reservation> {
  const tokens = call.promptTokens + call.maxOutputTokens;
  const waitedMs = await takeRateTokens(options, tokens);
  const costUsd = worstCaseCostUsd(call.model, call.promptTokens, call.maxOutputTokens);
  const day = await reserveBudgetOrPause(options, { tokens, costUsd });
  return {
    tokens,
    waitedMs,
    costUsd,
    day,
    settle: (actual) => settleReservation(options, { tokens, costUsd, day }, actual),
  };
}

/** Takes the call's tokens and one request from the shared buckets, waiting as long as needed; returns the wait, ms. */
async function takeRateTokens(options: SpendGuardOptions, tokens: number): Promise<number> {
  let waitedMs = 0;
  // Tokens first: a TPM wait can be long, and a request token held through it would be spent idle.
  if (options.tpm) waitedMs += await waitForTokens(options.pool, tpmBucket(options.tpm), tokens);
  if (options.rpm) waitedMs += await waitForTokens(options.pool, rpmBucket(options.rpm), 1);
  return waitedMs;
}

/**
 * Reserves the worst-case cost against today's budget; returns the budget's day (undefined without a budget). When
 * it would not fit, gives the bucket tokens back and throws `DocketBudgetExhausted`, which pauses the document.
 */
async function reserveBudgetOrPause(
  options: SpendGuardOptions,
  reserved: { tokens: number; costUsd: number },
): Promise<string | undefined> {
  const budget = options.dailyBudgetUsd;
  if (budget === undefined) return undefined;
  const state = await reserveBudget(options.pool, budget, reserved.costUsd);
  if (state) return state.day;
  if (options.tpm) await returnTokens(options.pool, tpmBucket(options.tpm), reserved.tokens);
  if (options.rpm) await returnTokens(options.pool, rpmBucket(options.rpm), 1);
  throw budgetExhausted(options, budget, reserved.costUsd);
}

/**
 * The operator failure of a call the daily budget cannot take (`DocketBudgetExhausted`: the document pauses until the
 * next UTC day or a resume), counted and logged.
 */
export function budgetExhausted(
  options: Pick<SpendGuardOptions, 'logger' | 'onBudgetEvent'>,
  budget: number,
  costUsd: number,
): ApplicationFailure {
  options.onBudgetEvent?.('exhausted');
  options.logger.error(
    { budgetUsd: budget },
    'daily budget exhausted: documents pause until the next UTC day or resume',
  );
  return ApplicationFailure.create({
    type: ERROR_TYPES.budgetExhausted,
    message: `the daily budget of $${budget} would be exceeded by this call (worst case $${costUsd.toFixed(6)})`,
    nonRetryable: true,
    details: [{ errorClass: 'operator', resumeAtMs: nextBudgetWindow() }],
  });
}

/** After the call: returns the unused tokens, replaces the reserved cost by the real one, and tells of 80% and 100%. */
async function settleReservation(
  options: SpendGuardOptions,
  reserved: { tokens: number; costUsd: number; day?: string },
  actual: { tokens: number; costUsd: number },
): Promise<void> {
  if (options.tpm) await returnTokens(options.pool, tpmBucket(options.tpm), reserved.tokens - actual.tokens);
  const budget = options.dailyBudgetUsd;
  if (budget === undefined || reserved.day === undefined) return;
  const after = await settleBudget(options.pool, reserved.day, reserved.costUsd, actual.costUsd);
  const before = after.spentUsd - actual.costUsd;
  if (before < budget && after.spentUsd >= budget) {
    options.onBudgetEvent?.('reached_100');
    options.logger.error({ budgetUsd: budget, spentUsd: after.spentUsd }, 'daily budget 100% used');
  } else if (before < budget * 0.8 && after.spentUsd >= budget * 0.8) {
    options.onBudgetEvent?.('warn_80');
    options.logger.warn({ budgetUsd: budget, spentUsd: after.spentUsd }, 'daily budget 80% used');
  }
}

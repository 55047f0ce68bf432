import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import {
  closeBreaker,
  holdProvider,
  passGate,
  recordProviderFailure,
  recordProviderSuccess,
  recordRateLimited,
  type BreakerPolicy,
} from '../db/provider-health.js';
import { ERROR_TYPES } from '../shared/errors.js';
import { sleepWithHeartbeats } from './execution.js';
import { recordBreakerEvent, recordRateLimitStormEvent } from './metrics.js';

/** The outage breaker and the rate-limit storm alert, as the LLM activity runs them. */
export interface ProviderHealthSettings {
  /** Transient failures in a row that open the breaker. */
  outageThreshold: number;
  /** Rate limits with no success for this long raise the storm alert, ms. */
  rateLimitAlertAfterMs: number;
}

/**
 * What an attempt does when the breaker is open and the probe is someone else's:
 * - `report`: fail at once with `DocketProviderOutage` (no call), so that the workflow shows `waiting_for_provider`
 *   and waits in an activity scheduled for it;
 * - `wait`: wait here, heartbeating, until the breaker closes or this attempt becomes the probe;
 * - `bounded`: wait at most a minute, then call anyway (workflows started before the breaker existed).
 */
export type OutageMode = 'report' | 'wait' | 'bounded';

/** The state of the provider when an attempt was let through. */
export interface GatePass {
  /** This attempt is the one probe of an open breaker. */
  probe: boolean;
  /** The breaker was open when the attempt went (a probe, or a bounded wait that ran out). */
  breakerOpen: boolean;
  waitedMs: number;
}

/** Longest an attempt waits for a provider-wide hold before it hands the wait to Temporal's retry timer. */
const MAX_HOLD_IN_ATTEMPT_MS = 30_000;
/** How often a waiting attempt looks at the breaker again. */
const POLL_MS = 1_000;
const BOUNDED_WAIT_MS = 60_000;
/** Room an attempt keeps after waiting: the call itself (its timeout) and the ledger writes. */
const CALL_MARGIN_MS = 30_000;

/** The breaker's policy: a minute between probes at most, as the issue asks; two documents tell an outage. */
export function breakerPolicy(settings: ProviderHealthSettings): BreakerPolicy {
  return {
    threshold: settings.outageThreshold,
    minDocuments: Math.min(2, settings.outageThreshold),
    firstProbeAfterMs: 1_000,
    maxProbeIntervalMs: 60_000,
  };
}

/**
 * Before a call: waits out a provider-wide hold (Retry-After, exhausted `x-ratelimit-*` headers) and an open
 * breaker, as `mode` says. A hold longer than an attempt should sleep becomes a retry delay instead (no call, no
 * ledger row, nothing counted).
 */
export async function passProviderGate(
  pool: Pool,
  options: { holder: string; callTimeoutMs: number; mode: OutageMode; log: Logger },
): Promise<GatePass> {
  const started = performance.now();
  const leaseMs = options.callTimeoutMs + 10_000;
  const waitBudgetMs =
    options.mode === 'bounded'
      ? BOUNDED_WAIT_MS
      : Math.max(10_000, activityInfo().startToCloseTimeoutMs - options.callTimeoutMs - CALL_MARGIN_MS);
  for (;;) {
    const gate = await passGate(pool, options.holder, leaseMs);
    const waitedMs = performance.now() - started;
    if (gate.holdMs > 0) {
      if (gate.holdMs > MAX_HOLD_IN_ATTEMPT_MS) {
        throw ApplicationFailure.create({
          type: ERROR_TYPES.rateLimited,
          message: `the provider asked for no calls for ${gate.holdMs} ms more; retrying after that`,
          nextRetryDelay: gate.holdMs + Math.ceil(Math.random() * 1000),
          details: [{ errorClass: 'transient', held: true }],
        });
      }
      options.log.debug({ holdMs: gate.holdMs }, 'holding the call: the provider asked for no calls until then');
      await sleepWithHeartbeats(gate.holdMs);
      continue;
    }
    if (gate.breaker === 'closed') return { probe: false, breakerOpen: false, waitedMs };
    if (gate.probe) {
      options.log.info('outage breaker open: this call probes the provider');
      return { probe: true, breakerOpen: true, waitedMs };
    }
    if (options.mode === 'report' || (options.mode === 'wait' && waitedMs >= waitBudgetMs)) {
      throw ApplicationFailure.create({
        type: ERROR_TYPES.providerOutage,
        message: 'the provider is failing for every document (outage breaker open): waiting for a probe to succeed',
        nonRetryable: true,
        details: [{ errorClass: 'transient' }],
      });
    }
    if (options.mode === 'bounded' && waitedMs >= waitBudgetMs) return { probe: false, breakerOpen: true, waitedMs };
    await sleepWithHeartbeats(Math.min(POLL_MS, Math.max(100, gate.nextProbeMs)));
  }
}

/** After an answer that is not a transient failure: the provider is up, the breaker closes and the storm ends. */
export async function noteProviderAnswer(
  pool: Pool,
  log: Logger,
  answer: { ok: boolean; pass: GatePass },
): Promise<void> {
  if (answer.ok) {
    const effect = await recordProviderSuccess(pool);
    if (effect.closed) {
      recordBreakerEvent('close');
      log.warn({ openForMs: effect.openForMs }, 'outage breaker closed: the provider answers again');
    }
    if (effect.stormEnded) {
      recordRateLimitStormEvent('over');
      log.warn('rate-limit storm over: a call succeeded');
    }
    return;
  }
  // A refusal of the request itself (a 4xx, a rate limit) still shows the provider up.
  if (answer.pass.breakerOpen && (await closeBreaker(pool))) {
    recordBreakerEvent('close');
    log.warn('outage breaker closed: the provider answers again');
  }
}

/** After a transient failure that tells of the provider's health; returns whether it is part of an outage. */
export async function noteProviderFailure(
  pool: Pool,
  log: Logger,
  failure: { documentId: string; holder: string; pass: GatePass; settings: ProviderHealthSettings },
): Promise<boolean> {
  const effect = await recordProviderFailure(
    pool,
    failure.documentId,
    breakerPolicy(failure.settings),
    failure.pass.probe ? failure.holder : undefined,
  );
  if (effect.opened) {
    recordBreakerEvent('open');
    log.error(
      { threshold: failure.settings.outageThreshold },
      'outage breaker open: the provider fails for every document; calls wait and one probe at a time checks it',
    );
  }
  return effect.open || failure.pass.breakerOpen;
}

/** After a rate limit: holds every worker until the provider's time, and raises the storm alert when it is due. */
export async function noteRateLimited(
  pool: Pool,
  log: Logger,
  limit: { holdMs?: number; confirmed: boolean; settings: ProviderHealthSettings },
): Promise<void> {
  if (limit.holdMs !== undefined && limit.holdMs > 0) await holdProvider(pool, limit.holdMs);
  if (!limit.confirmed) return;
  const storm = await recordRateLimited(pool, limit.settings.rateLimitAlertAfterMs);
  if (storm.alert) {
    recordRateLimitStormEvent('alert');
    log.error(
      { since: storm.since?.toISOString(), alertAfterMs: limit.settings.rateLimitAlertAfterMs },
      'rate-limit storm: the provider has answered only rate limits, with no success anywhere; check the limits of ' +
        'the key and what else uses it',
    );
  }
}

import { sleepWithHeartbeats } from '../execution.js';
import { recordBudgetEvent, recordProviderHold } from '../metrics.js';
import { passProviderGate, type GatePass } from '../outage-breaker.js';
import { reserveForCall, type Reservation } from '../spend-guard.js';
import { bestEffort } from './best-effort.js';
import type { CallLedger } from './ledger.js';
import type { ReceivedAnswer } from './provider-call.js';
import { noteProviderUp } from './provider-feedback.js';
import type { PlannedRequest } from './request.js';
import type { AttemptScope } from './scope.js';

/** Longest an attempt waits for a reset the provider's headers announced (the attempt's timeout is 2 minutes). */
const MAX_PROVIDER_HOLD_MS = 20_000;

/** What a call was let through with. */
export interface Admission {
  /** The outage breaker's state when the call went (a probe, an open breaker). */
  pass: GatePass;
  /** The rate-bucket tokens and budget taken for the call; settled once it is over. */
  reservation: Reservation;
}

/**
 * Admission and pacing before a call: waits out this worker's provider hold, passes the outage gate shared by every
 * worker, then takes the rate buckets and reserves the call's worst-case cost against the daily budget. Each may
 * throw the attempt's failure (a long hold, an outage reported, the budget exhausted). Every wait is noted.
 */
export async function admitCall(scope: AttemptScope, plan: PlannedRequest): Promise<Admission> {
  await holdForProvider(scope);
  const pass = await passOutageGate(scope);
  scope.notes.waitedMs += pass.waitedMs;
  const reservation = await reserveRateAndBudget(scope, plan);
  scope.notes.waitedMs += reservation.waitedMs;
  return { pass, reservation };
}

/** The outage breaker shared by every worker: waits while it is open, as the input's outage mode says. */
async function passOutageGate(scope: AttemptScope): Promise<GatePass> {
  const { deps } = scope;
  if (!deps.providerHealth) return { probe: false, breakerOpen: false, waitedMs: 0 };
  return passProviderGate(deps.pool, {
    holder: scope.callKey,
    callTimeoutMs: deps.timeoutMs,
    mode: scope.input.outage ?? 'bounded',
    log: scope.log,
  });
}

/** The shared requests- and tokens-per-minute buckets, then the call's worst-case cost against the daily budget. */
async function reserveRateAndBudget(scope: AttemptScope, plan: PlannedRequest): Promise<Reservation> {
  const { deps } = scope;
  // Without configured limits, the limits the provider announced when it last refused a call.
  const learned = deps.providerHold?.learnedLimits() ?? {};
  return reserveForCall(
    {
      pool: deps.pool,
      logger: scope.log,
      rpm: deps.rpm ?? learned.rpm,
      tpm: deps.tpm ?? learned.tpm,
      dailyBudgetUsd: deps.dailyBudgetUsd,
      onBudgetEvent: recordBudgetEvent,
    },
    { model: scope.input.model, promptTokens: plan.promptTokens, maxOutputTokens: plan.maxOutputTokens },
  );
}

/**
 * The provider said no request or too few tokens remain: wait for its reset rather than draw a 429. Bounded, so the
 * attempt stays well inside its timeout; a limit still exhausted then answers 429 and is retried as such.
 */
async function holdForProvider(scope: AttemptScope): Promise<void> {
  const holdMs = Math.min(scope.deps.providerHold?.remainingMs() ?? 0, MAX_PROVIDER_HOLD_MS);
  if (holdMs <= 0) return;
  scope.log.debug({ holdMs }, "holding the call: the provider's rate-limit headers report the limit reached");
  const heldFrom = performance.now();
  await sleepWithHeartbeats(holdMs);
  scope.notes.waitedMs += performance.now() - heldFrom;
  recordProviderHold(holdMs);
}

/** Writes the ledger row ahead of the request; without it no request is sent, and the reservation is given back. */
export async function openLedger(scope: AttemptScope, ledger: CallLedger, admission: Admission): Promise<void> {
  try {
    await ledger.start();
  } catch (err) {
    await bestEffort(scope.log, 'release the reservation', () =>
      admission.reservation.settle({ tokens: 0, costUsd: 0 }),
    );
    throw err;
  }
}

/**
 * After an answer, which is paid for: tells the gate the provider is up and settles the reservation with the real
 * tokens and cost. From here a database blink must not lose the answer (a retry would pay again), so both are best
 * effort.
 */
export async function settleAnswer(scope: AttemptScope, admission: Admission, answer: ReceivedAnswer): Promise<void> {
  const { deps, input, log } = scope;
  const { reservation } = admission;
  await bestEffort(log, 'note the provider up', () => noteProviderUp(deps, log, admission.pass));
  await bestEffort(log, 'settle the reservation', () =>
    reservation.settle({
      tokens: answer.usage.inputTokens + answer.usage.outputTokens,
      costUsd: answer.costUsd ?? reservation.costUsd,
    }),
  );
  if (!answer.priced) log.warn({ model: input.model }, 'model missing from the price table; cost not recorded');
}

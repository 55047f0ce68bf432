import { ApplicationFailure } from '@temporalio/activity';
import { countActivityFailures } from '../../db/queries.js';
import { ERROR_TYPES, OUTAGE_ERROR_TYPES, type ErrorType } from '../../shared/errors.js';
import { mapProviderError, nextRetryDelayMs, type MappedFailure } from '../map-provider-error.js';
import type { GatePass } from '../outage-breaker.js';
import type { Reservation } from '../spend-guard.js';
import type { CallLedger } from './ledger.js';
import { noteFailureHealth } from './provider-feedback.js';
import type { AttemptScope } from './scope.js';

/**
 * The failure of an attempt, as Temporal retries it. `final`: a transient failure that reached the document's
 * ceiling, not retried. `retryAfterMs`: the longest wait the provider asked for (Retry-After or its `x-ratelimit-*`
 * headers).
 */
export function callFailure(
  mapped: MappedFailure,
  attempt: number,
  options: { final: boolean; retryAfterMs?: number },
): ApplicationFailure {
  const transient = mapped.errorClass === 'transient';
  const retryAfterMs = options.retryAfterMs ?? mapped.retryAfterMs;
  return ApplicationFailure.create({
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

/**
 * Error types counted together toward the document's ceiling, for a failure of `type`: the outage types (server
 * errors, resets, timeouts) count as one group, unconfirmed rate limits as another; undefined when it never counts
 * (a confirmed rate limit, or a failure that is not retried anyway).
 */
export function ceilingGroup(type: ErrorType): readonly ErrorType[] | undefined {
  if (OUTAGE_ERROR_TYPES.includes(type)) return OUTAGE_ERROR_TYPES;
  if (type === ERROR_TYPES.unconfirmedRateLimit) return [type];
  return undefined;
}

/** The ledger key of an attempt without its attempt number: the key prefix of every attempt of the activity. */
export function activityKeyPrefix(callKey: string): string {
  return callKey.slice(0, callKey.lastIndexOf('/') + 1);
}

/**
 * Whether a failure of `type`, already in the ledger, brings the activity's failures of its group to the document's
 * ceiling. Failures during an outage never count.
 */
async function reachedCeiling(scope: AttemptScope, type: ErrorType, outage: boolean): Promise<boolean> {
  const ceiling = scope.input.serverErrorCeiling;
  const group = ceilingGroup(type);
  if (ceiling === undefined || group === undefined || outage) return false;
  const failures = await countActivityFailures(
    scope.deps.pool,
    scope.input.documentId,
    activityKeyPrefix(scope.callKey),
    group,
  );
  return failures >= ceiling;
}

/** What a failed call had taken and needs to tell. */
export interface FailedCall {
  ledger: CallLedger;
  pass: GatePass;
  reservation: Reservation;
  /** The size of the next call on this worker, for a hold the error answer's headers ask for. */
  nextCallTokens: number;
}

/**
 * A call that got no answer: gives its reservation back, records it in the ledger, tells the provider's health, and
 * throws the attempt's failure (a cancellation passes through as itself).
 */
export async function failCall(scope: AttemptScope, call: FailedCall, err: unknown, latencyMs: number): Promise<never> {
  const { deps, input, log } = scope;
  await call.reservation.settle({ tokens: 0, costUsd: 0 });
  const mapped = mapProviderError(err);
  if (!mapped) {
    await call.ledger.recordCall({ kind: 'cancelled', latencyMs });
    throw err;
  }
  const { outage, retryAfterMs } = await noteFailureHealth(deps, log, {
    err,
    mapped,
    pass: call.pass,
    documentId: input.documentId,
    holder: scope.callKey,
    nextCallTokens: call.nextCallTokens,
  });
  await call.ledger.recordCall({ kind: 'failed', latencyMs, failure: mapped, outage });
  log.warn({ errorType: mapped.type, status: mapped.status, retryAfterMs, outage }, mapped.message);
  const final = await reachedCeiling(scope, mapped.type, outage);
  throw callFailure(mapped, scope.attempt, { final, retryAfterMs });
}

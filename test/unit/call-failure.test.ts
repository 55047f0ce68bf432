import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityKeyPrefix, callFailure, ceilingGroup } from '../../src/activities/llm-call/failure.js';
import { longestWait } from '../../src/activities/llm-call/provider-feedback.js';
import type { MappedFailure } from '../../src/llm/provider-errors/index.js';
import { ERROR_TYPES, OUTAGE_ERROR_TYPES } from '../../src/shared/errors.js';

describe('ceilingGroup', () => {
  it('counts server errors, resets and timeouts together toward the ceiling', () => {
    for (const type of [ERROR_TYPES.serverError, ERROR_TYPES.connectionError, ERROR_TYPES.timeout]) {
      assert.deepEqual(ceilingGroup(type), OUTAGE_ERROR_TYPES, type);
    }
  });

  it('counts 429s that are not demonstrably rate limits apart', () => {
    assert.deepEqual(ceilingGroup(ERROR_TYPES.unconfirmedRateLimit), [ERROR_TYPES.unconfirmedRateLimit]);
  });

  it('never counts a rate limit, nor any failure that is not retried', () => {
    const counted = new Set<string>([...OUTAGE_ERROR_TYPES, ERROR_TYPES.unconfirmedRateLimit]);
    for (const type of Object.values(ERROR_TYPES).filter((t) => !counted.has(t))) {
      assert.equal(ceilingGroup(type), undefined, type);
    }
    assert.equal(ceilingGroup(ERROR_TYPES.rateLimited), undefined);
  });
});

describe('callFailure', () => {
  const serverError: MappedFailure = {
    errorClass: 'transient',
    type: ERROR_TYPES.serverError,
    message: '503 server_error: overloaded',
    status: 503,
    code: 'server_error',
    retryAfterMs: 4_000,
  };

  it('retries a transient failure no sooner than the wait the provider asked for', () => {
    const failure = callFailure(serverError, 1, { final: false, retryAfterMs: 9_000 });
    assert.equal(failure.type, ERROR_TYPES.serverError);
    assert.equal(failure.message, '503 server_error: overloaded');
    assert.equal(failure.nonRetryable, false);
    const delay = Number(failure.nextRetryDelay);
    assert.ok(delay >= 9_000 && delay <= 10_025, `delay ${delay}`);
    assert.deepEqual(failure.details, [
      { errorClass: 'transient', status: 503, code: 'server_error', retryAfterMs: 9_000 },
    ]);
  });

  it("falls back on the mapped failure's own wait", () => {
    const failure = callFailure(serverError, 1, { final: false });
    assert.ok(Number(failure.nextRetryDelay) >= 4_000);
    assert.equal((failure.details?.[0] as { retryAfterMs?: number }).retryAfterMs, 4_000);
  });

  it('stops retrying a transient failure that reached the ceiling, and says so', () => {
    const failure = callFailure(serverError, 5, { final: true, retryAfterMs: 9_000 });
    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.nextRetryDelay, undefined);
    assert.equal(failure.message, "503 server_error: overloaded (the document's ceiling of failed calls is reached)");
    assert.deepEqual(failure.details, [
      { errorClass: 'transient', status: 503, code: 'server_error', retryAfterMs: 9_000, ceilingReached: true },
    ]);
  });

  it('never retries an operator or input failure', () => {
    for (const errorClass of ['operator', 'input'] as const) {
      const failure = callFailure(
        { errorClass, type: ERROR_TYPES.authentication, message: '401 invalid_api_key', status: 401 },
        1,
        { final: false },
      );
      assert.equal(failure.nonRetryable, true, errorClass);
      assert.equal(failure.nextRetryDelay, undefined, errorClass);
    }
  });
});

describe('activityKeyPrefix', () => {
  it("drops the attempt number, leaving the prefix of every attempt's key", () => {
    assert.equal(activityKeyPrefix('classify-doc-1/run-1/3/12'), 'classify-doc-1/run-1/3/');
  });
});

describe('longestWait', () => {
  it('takes the longest wait asked for, and none when none was', () => {
    assert.equal(longestWait(undefined, 5_000, 3_000), 5_000);
    assert.equal(longestWait(3_000, 5_000), 5_000);
    assert.equal(longestWait(0, undefined), 0);
    assert.equal(longestWait(undefined, undefined), undefined);
  });
});

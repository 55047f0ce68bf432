import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import { mapProviderError, nextRetryDelayMs, retryAfterMs } from '../../src/activities/map-provider-error.js';
import { retryAfterFromWording } from '../../src/llm/provider-errors/index.js';
import { ERROR_CLASS, ERROR_TYPE_CLASS, isErrorType, PAUSE_REASON_BY_TYPE } from '../../src/shared/errors.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/provider-errors');

const fixtureSchema = z.strictObject({
  name: z.string(),
  source: z.string().min(10),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
  expect: z.strictObject({
    type: z.string().refine(isErrorType, 'not one of ERROR_TYPES'),
    errorClass: z.enum(Object.values(ERROR_CLASS) as [string, ...string[]]),
    retryAfterMs: z.number().optional(),
  }),
});

const fixtures = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    entries: z.array(fixtureSchema).parse(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'))),
  }));

/**
 * What the openai SDK raises for an HTTP answer with this status, body and headers: a JSON body is handed over parsed,
 * any other body (a string in the fixture) as the message, as the SDK's client does.
 */
function sdkError(status: number, body: unknown, headers: Record<string, string> = {}): APIError {
  if (typeof body === 'string') return APIError.generate(status, undefined, body, new Headers(headers));
  return APIError.generate(status, body as object | undefined, undefined, new Headers(headers));
}

describe('mapProviderError on real error answers (test/fixtures/provider-errors)', () => {
  it('has fixtures from every provider and gateway it claims to cover', () => {
    assert.deepEqual(
      fixtures.map((f) => f.file),
      [
        'anthropic-style.json',
        'azure-openai.json',
        'deepseek.json',
        'gemini-openai.json',
        'groq.json',
        'litellm-proxy.json',
        'ollama.json',
        'openai.json',
        'openrouter.json',
        'portkey.json',
        'vllm.json',
      ],
    );
  });

  for (const { file, entries } of fixtures) {
    describe(file, () => {
      for (const entry of entries) {
        it(`${entry.status} ${entry.name} → ${entry.expect.type}`, () => {
          const mapped = mapProviderError(sdkError(entry.status, entry.body, entry.headers));
          assert.ok(mapped);
          assert.deepEqual(
            { type: mapped.type, errorClass: mapped.errorClass, retryAfterMs: mapped.retryAfterMs },
            { type: entry.expect.type, errorClass: entry.expect.errorClass, retryAfterMs: entry.expect.retryAfterMs },
            `decided by rule: ${mapped.rule}`,
          );
          assert.equal(mapped.status, entry.status);
        });
      }
    });
  }
});

describe('mapProviderError beyond HTTP answers', () => {
  it('lets a cancellation through as a cancellation', () => {
    assert.equal(mapProviderError(new APIUserAbortError()), undefined);
  });

  it('retries timeouts, refused connections and unknown throws', () => {
    assert.equal(mapProviderError(new APIConnectionTimeoutError())?.type, 'DocketTimeout');
    assert.equal(
      mapProviderError(new APIConnectionError({ message: 'socket hang up' }))?.type,
      'DocketConnectionError',
    );
    assert.equal(
      mapProviderError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))?.type,
      'DocketConnectionError',
    );
    assert.equal(mapProviderError(new Error('boom'))?.errorClass, 'transient');
  });

  it('keeps OpenRouter flagged input (document text) out of the message', () => {
    const mapped = mapProviderError(
      sdkError(403, {
        error: {
          code: 403,
          message: 'Your input was flagged for "harassment".',
          metadata: { reasons: ['harassment'], flagged_input: 'SECRET DOCUMENT TEXT' },
        },
      }),
    );
    assert.equal(mapped?.type, 'DocketContentFiltered');
    assert.ok(!mapped?.message.includes('SECRET DOCUMENT TEXT'));
  });

  it('sends an x-should-retry: false server error to an operator pause of its own, not to a retry', () => {
    const body = { error: { message: 'The server had an error.', type: 'server_error', param: null, code: null } };
    const retried = mapProviderError(sdkError(503, body));
    const refused = mapProviderError(sdkError(503, body, { 'x-should-retry': 'false' }));
    assert.equal(retried?.errorClass, 'transient');
    assert.equal(refused?.type, 'DocketServerErrorNoRetry');
    assert.equal(ERROR_TYPE_CLASS.DocketServerErrorNoRetry, 'operator');
    assert.equal(PAUSE_REASON_BY_TYPE.DocketServerErrorNoRetry, 'provider_says_no_retry');
  });

  it('gives every operator type a pause reason', () => {
    for (const [type, errorClass] of Object.entries(ERROR_TYPE_CLASS)) {
      if (errorClass === 'operator') assert.ok(PAUSE_REASON_BY_TYPE[type as keyof typeof ERROR_TYPE_CLASS], type);
    }
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('prefers retry-after-ms, then Retry-After in seconds', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '1234.2', 'retry-after': '9' }), now), 1235);
    assert.equal(retryAfterMs(headers({ 'retry-after': '7' }), now), 7000);
    assert.equal(retryAfterMs(headers({ 'retry-after': '0.5' }), now), 500);
  });

  it('reads an HTTP-date Retry-After relative to now, and a past date as no wait', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after': 'Tue, 24 Nov 2026 10:00:30 GMT' }), now), 30_000);
    assert.equal(retryAfterMs(headers({ 'retry-after': 'Tue, 24 Nov 2026 09:59:00 GMT' }), now), 0);
  });

  it("reads the provider's Retry-After as the LiteLLM proxy forwards it", () => {
    assert.equal(retryAfterMs(headers({ 'llm_provider-retry-after': '20' }), now), 20_000);
    assert.equal(retryAfterMs(headers({ 'llm_provider-retry-after-ms': '450' }), now), 450);
    assert.equal(retryAfterMs(headers({ 'llm_provider-retry-after': 'Tue, 24 Nov 2026 10:01:00 GMT' }), now), 60_000);
  });

  it("prefers the provider's own header to the one a gateway forwards, and milliseconds to seconds", () => {
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '100', 'llm_provider-retry-after-ms': '900' }), now), 100);
    assert.equal(retryAfterMs(headers({ 'retry-after': '1', 'llm_provider-retry-after': '9' }), now), 1000);
    assert.equal(retryAfterMs(headers({ 'retry-after': '9', 'llm_provider-retry-after-ms': '450' }), now), 450);
  });

  it('trims the value and rounds a fraction of a millisecond up, never down', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after': ' 7 ' }), now), 7000);
    assert.equal(retryAfterMs(headers({ 'retry-after': '1.0004' }), now), 1001);
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '0.2' }), now), 1);
  });

  it('ignores what does not parse', () => {
    assert.equal(retryAfterMs(undefined, now), undefined);
    assert.equal(retryAfterMs(headers({}), now), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after': '5 seconds' }), now), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after': 'Infinity' }), now), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '', 'retry-after': '' }), now), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '-5' }), now), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': 'NaN' }), now), undefined);
  });

  it('reads Retry-After when retry-after-ms does not parse', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': 'abc', 'retry-after': '3' }), now), 3000);
  });

  it('falls back on the wait a message names', () => {
    assert.equal(retryAfterFromWording('Please try again in 3s. Visit'), 3000);
    assert.equal(retryAfterFromWording('Please try again in 120ms.'), 120);
    assert.equal(retryAfterFromWording('Please try again in 1.5s.'), 1500);
    assert.equal(retryAfterFromWording('Please try again in 6m0s.'), 360_000);
    assert.equal(retryAfterFromWording('No deployments available, Try again in 4 seconds. Passed'), 4000);
    assert.equal(retryAfterFromWording('Please retry after 6 seconds.'), 6000);
    assert.equal(retryAfterFromWording('Try again in 2 minutes'), 120_000);
    assert.equal(retryAfterFromWording('Please try again in 1m30.5s.'), 90_500);
    assert.equal(retryAfterFromWording('retry after 5'), 5000);
    assert.equal(retryAfterFromWording('Please try again later.'), undefined);
  });
});

describe('nextRetryDelayMs', () => {
  it('never retries before the Retry-After, whatever the jitter', () => {
    for (const retryAfter of [0, 1, 999, 1200, 60_000, 3_600_000]) {
      for (const random of [() => 0, () => 0.5, () => 0.999999]) {
        const delay = nextRetryDelayMs(1, retryAfter, { random });
        assert.ok(delay >= retryAfter, `${delay} < ${retryAfter}`);
        assert.ok(delay <= retryAfter + 1025, `${delay} too far past ${retryAfter}`);
      }
    }
  });

  it('backs off exponentially with jitter, capped, when no wait was named', () => {
    const low = { random: () => 0 };
    const high = { random: () => 0.999999 };
    assert.equal(nextRetryDelayMs(1, undefined, low), 500);
    assert.equal(nextRetryDelayMs(3, undefined, low), 2000);
    assert.ok(nextRetryDelayMs(3, undefined, high) <= 4000);
    assert.equal(nextRetryDelayMs(20, undefined, { ...low, maxMs: 60_000 }), 30_000);
  });

  it('keeps the backoff between half and all of its exponential step, never past the cap', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const step = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      for (const random of [() => 0, () => 0.5, () => 0.999999]) {
        const delay = nextRetryDelayMs(attempt, undefined, { random });
        assert.ok(delay >= step / 2 && delay <= step, `attempt ${attempt}: ${delay} outside [${step / 2}, ${step}]`);
      }
    }
  });

  it('takes the base and the cap it is given, and counts attempt 0 as the first', () => {
    const low = { random: () => 0 };
    assert.equal(nextRetryDelayMs(0, undefined, low), 500);
    assert.equal(nextRetryDelayMs(2, undefined, { ...low, baseMs: 200 }), 200);
    assert.equal(nextRetryDelayMs(10, undefined, { random: () => 0.999999, maxMs: 5_000 }), 5_000);
  });

  it('jitters a Retry-After by a quarter of it at most, and by a second at most', () => {
    const high = { random: () => 0.999999 };
    assert.equal(nextRetryDelayMs(1, 0, high), 25);
    assert.ok(nextRetryDelayMs(1, 100, high) <= 150);
    assert.equal(nextRetryDelayMs(1, 60_000, { random: () => 0 }), 60_025);
    assert.ok(nextRetryDelayMs(1, 60_000, high) <= 61_025);
  });

  it('waits the whole Retry-After even past the backoff cap', () => {
    assert.ok(nextRetryDelayMs(1, 120_000, { random: () => 0, maxMs: 60_000 }) >= 120_000);
  });
});

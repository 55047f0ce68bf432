import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdFromHeaders, parseResetDuration, ProviderHold } from '../../src/llm/rate-headers.js';

describe("the provider's rate-limit headers", () => {
  it('parse OpenAI reset durations', () => {
    assert.equal(parseResetDuration('20ms'), 20);
    assert.equal(parseResetDuration('1.5s'), 1500);
    assert.equal(parseResetDuration('6m0s'), 360_000);
    assert.equal(parseResetDuration('1h2m3s'), 3_723_000);
    assert.equal(parseResetDuration('2m'), 120_000);
    assert.equal(parseResetDuration(''), undefined);
    assert.equal(parseResetDuration('soon'), undefined);
    assert.equal(parseResetDuration(null), undefined);
  });

  it('hold nothing while requests and tokens remain for the next call', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '240',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '59s',
      'x-ratelimit-limit-tokens': '60000',
      'x-ratelimit-remaining-tokens': '5000',
      'x-ratelimit-reset-tokens': '55s',
    });
    assert.equal(holdFromHeaders(headers, 800), undefined);
    assert.equal(holdFromHeaders(new Headers(), 800), undefined);
  });

  it('hold until one request has replenished when none remains, never past the reset', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '240',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '59s',
    });
    assert.equal(holdFromHeaders(headers, 800), 250);
    headers.set('x-ratelimit-reset-requests', '100ms');
    assert.equal(holdFromHeaders(headers, 800), 100);
    headers.delete('x-ratelimit-limit-requests');
    assert.equal(holdFromHeaders(headers, 800), 100);
  });

  it('hold until the tokens the next call needs have replenished', () => {
    const headers = new Headers({
      'x-ratelimit-limit-tokens': '60000',
      'x-ratelimit-remaining-tokens': '300',
      'x-ratelimit-reset-tokens': '40s',
    });
    // 500 tokens missing at 1,000 a second.
    assert.equal(holdFromHeaders(headers, 800), 500);
  });

  it('keep the later of two holds', () => {
    const hold = new ProviderHold();
    hold.holdFor(5_000, 1_000);
    hold.holdFor(1_000, 2_000);
    assert.equal(hold.remainingMs(2_000), 4_000);
    assert.equal(hold.remainingMs(10_000), 0);
  });
});

describe('the limits a rate-limit answer announces', () => {
  it('are learnt from x-ratelimit-limit-* and kept until another answer says otherwise', () => {
    const hold = new ProviderHold();
    assert.deepEqual(hold.learnedLimits(), {});
    hold.learnLimits(new Headers({ 'x-ratelimit-limit-requests': '500', 'x-ratelimit-limit-tokens': '200000' }));
    assert.deepEqual(hold.learnedLimits(), { rpm: 500, tpm: 200000 });
    hold.learnLimits(new Headers({ 'x-ratelimit-limit-requests': 'lots' }));
    assert.deepEqual(hold.learnedLimits(), { rpm: 500, tpm: 200000 }, 'a value that is not a limit is ignored');
    hold.learnLimits(new Headers({ 'x-ratelimit-limit-requests': '60' }));
    assert.equal(hold.learnedLimits().rpm, 60);
  });
});

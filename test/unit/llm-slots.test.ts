import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rpmBucket } from '../../src/activities/spend-guard.js';
import { LlmSlots } from '../../src/worker/llm-slots.js';

/** Feeds `n` identical finished calls. */
function feed(slots: LlmSlots, n: number, call: { busyMs: number; tokens?: number }): void {
  for (let i = 0; i < n; i++) slots.observe(call);
}

describe('LLM slots of a worker', () => {
  it('hands out exactly DOCKET_LLM_CONCURRENCY when it is set, whatever the calls observed', () => {
    const slots = new LlmSlots({ fixed: 3, rpm: 60 });
    feed(slots, 50, { busyMs: 10_000, tokens: 500 });
    assert.equal(slots.size, 3);
    assert.equal(slots.auto, false);
  });

  it('hands out 16 when neither a concurrency nor a limit is set', () => {
    assert.equal(new LlmSlots({}).size, 16);
  });

  it("sizes from the requests per minute and the observed latency (Little's law, four times over, plus two)", () => {
    const slots = new LlmSlots({ rpm: 600 });
    feed(slots, 200, { busyMs: 500 });
    // 10 calls/s × 0.5 s × 4 = 20, plus two.
    assert.equal(slots.size, 22);
    feed(slots, 200, { busyMs: 2_000 });
    assert.equal(slots.size, 82);
  });

  it('sizes from the tokens per minute and the observed tokens per call', () => {
    const slots = new LlmSlots({ tpm: 60_000 });
    feed(slots, 200, { busyMs: 1_000, tokens: 500 });
    // 1,000 tokens/s ÷ 500 = 2 calls/s × 1 s × 4 = 8, plus two.
    assert.equal(slots.size, 10);
    // Failed calls (no answer) change the latency, not the tokens per call.
    feed(slots, 200, { busyMs: 1_000 });
    assert.equal(slots.size, 10);
  });

  it('takes the tighter of the two limits, between 4 and the configured maximum', () => {
    const both = new LlmSlots({ rpm: 6_000, tpm: 60_000 });
    feed(both, 200, { busyMs: 1_000, tokens: 500 });
    assert.equal(both.size, 10);
    const tiny = new LlmSlots({ rpm: 6 });
    feed(tiny, 200, { busyMs: 100 });
    assert.equal(tiny.size, 4);
    const capped = new LlmSlots({ rpm: 100_000, max: 40 });
    feed(capped, 200, { busyMs: 5_000 });
    assert.equal(capped.size, 40);
  });

  it('blocks a reservation until a slot is released, and aborts it on request', async () => {
    const slots = new LlmSlots({ fixed: 2 });
    const never = new AbortController().signal;
    await slots.reserveSlot({}, never);
    await slots.reserveSlot({}, never);
    assert.equal(slots.tryReserveSlot(), null);
    let third = false;
    const pending = slots.reserveSlot({}, never).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(third, false);
    slots.releaseSlot();
    await pending;
    assert.equal(slots.inUse, 2);

    const abort = new AbortController();
    const aborted = slots.reserveSlot({}, abort.signal);
    abort.abort();
    await assert.rejects(aborted);
    slots.releaseSlot();
    assert.equal(slots.inUse, 1);
    assert.notEqual(slots.tryReserveSlot(), null);
  });

  it('lets a grown size hand out the new slots to waiting pollers at once', async () => {
    const slots = new LlmSlots({ rpm: 600, initialLatencyMs: 100 });
    const never = new AbortController().signal;
    while (slots.inUse < slots.size) await slots.reserveSlot({}, never);
    const before = slots.size;
    const waiting = slots.reserveSlot({}, never);
    feed(slots, 100, { busyMs: 3_000 });
    assert.ok(slots.size > before);
    await waiting;
    assert.equal(slots.inUse, before + 1);
  });
});

describe('the shared request bucket', () => {
  it("never lets the provider's sliding minute see more than the RPM, and uses 99% of large ones", () => {
    for (const rpm of [3, 4, 10, 60, 240, 500, 10_000]) {
      const { capacity, refillPerSecond } = rpmBucket(rpm);
      // The burst, the requests a minute refills, and one more whose arrival was delayed by up to one gap.
      const worstMinute = capacity + Math.floor(60 * refillPerSecond) + 1;
      assert.ok(worstMinute <= rpm, `rpm ${rpm}: ${worstMinute}`);
    }
    assert.ok(60 * rpmBucket(240).refillPerSecond >= 240 * 0.99 - 1e-9);
    assert.ok(60 * rpmBucket(10_000).refillPerSecond >= 10_000 * 0.99 - 1e-9);
  });
});

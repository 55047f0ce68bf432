import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSampled } from '../../src/activities/sampling.js';
import { nextBudgetWindow } from '../../src/activities/spend-guard.js';
import { priceUsage, PRICE_TABLE_VERSION, worstCaseCostUsd } from '../../src/llm/pricing.js';

describe('pricing', () => {
  it('prices uncached input, cached input and output at their own rates', () => {
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million tokens.
    const priced = priceUsage('gpt-4o-mini', { inputTokens: 2_000, cachedTokens: 1_280, outputTokens: 100 });
    const expected = (720 * 0.15 + 1_280 * 0.075 + 100 * 0.6) / 1e6;
    assert.ok(Math.abs((priced.costUsd ?? 0) - expected) < 1e-12);
    assert.equal(priced.priced, true);
    assert.equal(priced.priceVersion, PRICE_TABLE_VERSION);
  });

  it('halves the price on the batch tier and knows dated snapshots', () => {
    const usage = { inputTokens: 1_000, cachedTokens: 0, outputTokens: 1_000 };
    const standard = priceUsage('gpt-4o-2024-08-06', usage).costUsd ?? 0;
    assert.ok(Math.abs(standard - (1_000 * 2.5 + 1_000 * 10) / 1e6) < 1e-12);
    assert.ok(Math.abs((priceUsage('gpt-4o', usage, 'batch').costUsd ?? 0) - standard / 2) < 1e-12);
  });

  it('flags an unknown model instead of pricing it at zero', () => {
    const priced = priceUsage('my-finetune', { inputTokens: 10, cachedTokens: 0, outputTokens: 10 });
    assert.deepEqual([priced.costUsd, priced.priced], [null, false]);
  });

  it('reserves the worst case: all input uncached and the whole output cap, at the dearest price when unknown', () => {
    assert.ok(Math.abs(worstCaseCostUsd('gpt-4o-mini', 1_000, 400) - (1_000 * 0.15 + 400 * 0.6) / 1e6) < 1e-12);
    assert.ok(worstCaseCostUsd('unknown-model', 1_000, 400) >= worstCaseCostUsd('gpt-4o', 1_000, 400));
  });

  it('opens the next budget window at the next UTC midnight', () => {
    assert.equal(nextBudgetWindow(Date.parse('2026-11-23T23:59:59Z')), Date.parse('2026-11-24T00:00:00Z'));
  });
});

describe('sampling', () => {
  it('chooses the same workflows every time and about the configured share', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `classify-doc-${i}`);
    const chosen = ids.filter((id) => isSampled(id, 0.01));
    assert.deepEqual(
      chosen,
      ids.filter((id) => isSampled(id, 0.01)),
    );
    assert.ok(chosen.length > 150 && chosen.length < 250, `${chosen.length} of 20000 sampled at 1%`);
    assert.equal(isSampled('x', 0), false);
    assert.equal(isSampled('x', 1), true);
  });
});

describe('the canary split', () => {
  it('sends the same document to the same variant every time and about the configured share overall', async () => {
    const { chooseVariant, splitBucket } = await import('../../src/shared/split.js');
    const split = {
      share: 0.1,
      baseline: { promptVersion: 'classify-v1', model: 'gpt-4o-mini' },
      candidate: { promptVersion: 'classify-v2', model: 'gpt-4.1-mini' },
    };
    const ids = Array.from({ length: 10_000 }, (_, i) => `doc-${i}`);
    const first = ids.map((id) => chooseVariant(id, split).variant);
    assert.deepEqual(
      first,
      ids.map((id) => chooseVariant(id, split).variant),
    );
    const candidates = first.filter((v) => v === 'candidate').length;
    assert.ok(candidates > 850 && candidates < 1150, `${candidates} of 10000 at 10%`);
    // Sequential ids spread over the whole range, not into one corner of it.
    const buckets = new Set(ids.slice(0, 100).map((id) => Math.floor(splitBucket(id) * 10)));
    assert.equal(buckets.size, 10);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCost, jsonCosts, roundUsd } from '../../src/cli/format.js';
import { loadConfig } from '../../src/config.js';
import type { CanaryRow } from '../../src/db/canary.js';
import { modelLine } from '../../src/dev/banner.js';

const config = loadConfig({ DOCKET_MODEL: 'gpt-4o-mini', DOCKET_PROMPT_VERSION: 'classify-v1' });
const canary = (status: CanaryRow['status']): CanaryRow => ({
  id: 3,
  share: 0.2,
  baseline: { promptVersion: 'classify-v1', model: 'gpt-4o-mini' },
  candidate: { promptVersion: 'classify-v2', model: 'gpt-4.1-mini' },
  maxParseFailureRate: 0.2,
  minCalls: 20,
  status,
  reason: null,
  startedAt: new Date('2026-11-24T08:00:00Z'),
  endedAt: null,
});

describe("npm start's banner", () => {
  it('names the configured model while no canary ran, or after a rollback', () => {
    assert.equal(modelLine(config, undefined), 'model gpt-4o-mini, prompt classify-v1');
    assert.equal(modelLine(config, canary('rolled_back')), 'model gpt-4o-mini, prompt classify-v1');
  });

  it('names the model new documents use after a canary promotion', () => {
    assert.match(
      modelLine(config, canary('promoted')),
      /^model gpt-4\.1-mini, prompt classify-v2 \(canary #3 promoted/,
    );
  });

  it('names the candidate and its share while a canary runs', () => {
    assert.match(modelLine(config, canary('active')), /canary #3: 20% use model gpt-4\.1-mini, prompt classify-v2$/);
  });
});

describe('costs in CLI output', () => {
  it('prints dollars without float noise', () => {
    assert.equal(formatCost(0.000056099999999999995), '$0.000056');
    assert.equal(formatCost(0.0123456), '$0.0123');
    assert.equal(formatCost(0), '$0');
    assert.equal(roundUsd(0.000056099999999999995), 0.0000561);
    assert.equal(
      JSON.stringify({ costUsd: 0.000056099999999999995, calls: 3, cost: { totalUsd: 0.1 + 0.2 } }, jsonCosts),
      '{"costUsd":0.0000561,"calls":3,"cost":{"totalUsd":0.3}}',
    );
  });
});

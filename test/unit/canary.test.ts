import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { automaticRollbackReason } from '../../src/canary/rollback.js';
import { canaryRouting } from '../../src/canary/routing.js';
import { canaryEnvSchema, canarySettingsSchema } from '../../src/canary/schema.js';
import { canaryToStart } from '../../src/canary/start.js';
import { inCliTerms } from '../../src/cli/canary-terms.js';
import { loadConfig } from '../../src/config.js';
import type { CanaryRow, CanaryStatus } from '../../src/db/canary.js';
import { applyVariant, splitBucket } from '../../src/shared/split.js';

const BASELINE = { promptVersion: 'classify-v1', model: 'gpt-4o-mini' };
const CANDIDATE = { promptVersion: 'classify-v2', model: 'gpt-4.1-mini' };

const canary = (status: CanaryStatus): CanaryRow => ({
  id: 7,
  share: 0.5,
  baseline: BASELINE,
  candidate: CANDIDATE,
  maxParseFailureRate: 0.2,
  minCalls: 20,
  status,
  reason: null,
  startedAt: new Date('2026-12-01T00:00:00Z'),
  endedAt: null,
});

/** Ids that fall on each side of a 50% split. */
const CANDIDATE_ID = Array.from({ length: 50 }, (_, i) => `doc-${i}`).find((id) => splitBucket(id) < 0.5)!;
const BASELINE_ID = Array.from({ length: 50 }, (_, i) => `doc-${i}`).find((id) => splitBucket(id) >= 0.5)!;

describe('canary routing', () => {
  const support = { promptVersion: 'classify-v1', model: 'gpt-4.1-nano' };

  it('leaves the configured variant alone without a canary, or after a rollback', () => {
    assert.deepEqual(canaryRouting(undefined, support), { variant: support });
    assert.deepEqual(canaryRouting(canary('rolled_back'), support), { variant: support });
  });

  it('gives every new document the candidate after a promotion, with no split', () => {
    assert.deepEqual(canaryRouting(canary('promoted'), support), { variant: CANDIDATE });
  });

  it("splits an active canary between the document's own configured variant and the candidate", () => {
    const routing = canaryRouting(canary('active'), support);
    assert.deepEqual(routing, {
      variant: support,
      split: { share: 0.5, baseline: support, candidate: CANDIDATE },
    });
    const settings = { ...routing.variant, confidenceThreshold: 0.5 };
    assert.deepEqual(applyVariant(settings, CANDIDATE_ID, routing.split), {
      ...settings,
      ...CANDIDATE,
      variant: 'candidate',
    });
    assert.deepEqual(applyVariant(settings, BASELINE_ID, routing.split), {
      ...settings,
      ...support,
      variant: 'baseline',
    });
  });
});

describe('the automatic rollback rule', () => {
  const rule = { maxParseFailureRate: 0.2, minCalls: 20 };

  it('waits for minCalls answered calls, whatever the failure rate', () => {
    assert.equal(automaticRollbackReason({ ...rule, answered: 19, failed: 19 }), undefined);
    assert.equal(automaticRollbackReason({ ...rule, answered: 0, failed: 0 }), undefined);
  });

  it('keeps the canary at the threshold and rolls it back above it, saying why', () => {
    assert.equal(automaticRollbackReason({ ...rule, answered: 20, failed: 4 }), undefined);
    assert.equal(
      automaticRollbackReason({ ...rule, answered: 20, failed: 5 }),
      'automatic: candidate parse-failure rate 0.250 over 20 calls exceeds 0.2',
    );
  });
});

describe('a canary to start', () => {
  it('takes its baseline from the configured default and fills the candidate from it', () => {
    const config = loadConfig({
      DOCKET_PROMPT_VERSION: 'classify-v1',
      DOCKET_TAXONOMY_MODELS: '{"default":"gpt-4.1-nano"}',
    });
    const settings = canarySettingsSchema.parse({ share: 0.1, promptVersion: 'classify-v2' });
    assert.deepEqual(canaryToStart(config, settings), {
      baseline: { promptVersion: 'classify-v1', model: 'gpt-4.1-nano' },
      candidate: { promptVersion: 'classify-v2', model: 'gpt-4.1-nano' },
      share: 0.1,
      maxParseFailureRate: 0.2,
      minCalls: 20,
    });
  });
});

describe("a canary's settings", () => {
  const envProblem = (raw: string) => {
    const parsed = canaryEnvSchema.safeParse(raw);
    return parsed.success ? undefined : parsed.error.issues.map((i) => i.message);
  };

  it('fill in the rollback thresholds', () => {
    assert.deepEqual(canarySettingsSchema.parse({ share: 0.1, model: 'gpt-4.1-mini' }), {
      share: 0.1,
      model: 'gpt-4.1-mini',
      maxParseFailureRate: 0.2,
      minCalls: 20,
    });
  });

  it('need a candidate: a prompt version, a model or both', () => {
    assert.deepEqual(envProblem('{"share":0.1}'), [
      'name a candidate prompt version, model, or both (promptVersion / model; --prompt / --model in the CLI)',
    ]);
  });

  it("word one mistake in DOCKET_CANARY in the caller's terms, or ask for JSON", () => {
    assert.deepEqual(envProblem('{"share":1.5,"model":"m"}'), ['share must be at most 1']);
    assert.deepEqual(envProblem('{"share":0.1,"modl":"m"}'), ['unknown field "modl": did you mean "model"?']);
    assert.deepEqual(envProblem('{"share":0.1,"promptVersion":"classify-v9"}'), [
      'unknown prompt version "classify-v9": known are classify-v1, classify-v2, classify-v3',
    ]);
    assert.deepEqual(envProblem('share=0.1'), [
      'must be JSON like {"share":0.1,"promptVersion":"classify-v2","model":"gpt-4.1-mini"}',
    ]);
  });
});

describe('canary errors in CLI terms', () => {
  it('names the flags of docket canary start for the fields of the settings', () => {
    assert.equal(inCliTerms('share must be at most 1'), 'share must be at most 1', 'the word, not the field');
    assert.equal(inCliTerms('share: a number from 0 to 1'), '--share: a number from 0 to 1');
    assert.equal(
      inCliTerms('minCalls must be more than 0; maxParseFailureRate must be at most 1'),
      '--min-calls must be more than 0; --max-parse-failure-rate must be at most 1',
    );
    assert.equal(
      inCliTerms('unknown prompt version "x": known are classify-v1'),
      '--prompt: unknown prompt version "x": known are classify-v1',
    );
    assert.equal(inCliTerms('start one with POST /v1/canary'), 'start one with docket canary start');
  });
});

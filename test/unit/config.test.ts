import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.temporal.address, 'localhost:7233');
    assert.equal(config.api.port, 3000);
    assert.equal(config.api.host, '127.0.0.1');
    assert.equal(config.llm.model, 'gpt-4o-mini');
    assert.equal(config.llm.confidenceThreshold, 0.5);
    assert.equal(config.api.maxDocumentBytes, 1024 * 1024);
    assert.equal(config.dailyBudgetUsd, undefined);
    // Unset: the worker sizes its LLM calls in flight from the limits (or runs 16 without any).
    assert.equal(config.llm.concurrency, undefined);
    assert.equal(config.llm.maxConcurrency, 128);
    assert.deepEqual(config.taxonomies[0]?.categories, ['technical', 'business', 'legal', 'marketing', 'other']);
  });

  it('names the variable that holds a bad value', () => {
    assert.throws(
      () => loadConfig({ DOCKET_CONFIDENCE_THRESHOLD: 'high' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /DOCKET_CONFIDENCE_THRESHOLD/);
        return true;
      },
    );
  });

  it('takes a fixed LLM concurrency and rejects one below 1', () => {
    assert.equal(loadConfig({ DOCKET_LLM_CONCURRENCY: '8' }).llm.concurrency, 8);
    assert.equal(loadConfig({ DOCKET_LLM_CONCURRENCY: '' }).llm.concurrency, undefined);
    assert.throws(() => loadConfig({ DOCKET_LLM_CONCURRENCY: '0' }), /DOCKET_LLM_CONCURRENCY/);
    assert.throws(() => loadConfig({ DOCKET_LLM_MAX_CONCURRENCY: 'many' }), /DOCKET_LLM_MAX_CONCURRENCY/);
  });

  it('parses tokens with roles and rejects an unknown role', () => {
    const config = loadConfig({
      DOCKET_API_TOKENS: 'ci:submitter:aaaaaaaaaaaaaaaaaaaa,ann:reviewer:bbbbbbbbbbbbbbbbbbbb',
    });
    assert.deepEqual(
      config.api.tokens?.map((t) => `${t.name}/${t.role}`),
      ['ci/submitter', 'ann/reviewer'],
    );
    assert.throws(() => loadConfig({ DOCKET_API_TOKENS: 'x:root:aaaaaaaaaaaaaaaaaaaa' }), /DOCKET_API_TOKENS/);
  });

  it('adds named taxonomies beside the default one', () => {
    const config = loadConfig({ DOCKET_TAXONOMIES: '{"support":["billing","bug","other"]}' });
    assert.deepEqual(
      config.taxonomies.map((t) => t.name),
      ['default', 'support'],
    );
    assert.throws(() => loadConfig({ DOCKET_TAXONOMIES: '{"bad":[]}' }), /DOCKET_TAXONOMIES/);
  });
});

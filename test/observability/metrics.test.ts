import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installRuntime } from '../../src/worker/runtime.js';
import { testApi } from '../helpers/api.js';
import { freePort } from '../helpers/browser.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

describe('the metrics endpoint', () => {
  let env: DocketTestEnv;
  let url: string;
  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    installRuntime('silent', `127.0.0.1:${port}`);
    env = await startDocket();
  });
  after(() => env.stop());

  it("serves the Temporal SDK's metrics and Docket's calls, tokens, cost, latency, parse failures, reviews and pauses", async () => {
    const api = testApi(env);
    env.sim.addRule({ match: 'metrics-2', faults: ['invalid_json', 'invalid_json'] });
    env.sim.addRule({ match: 'metrics-3', faults: ['unauthorized'] });
    await api.submit({ id: 'metrics-1', text: 'metrics-1 the kubernetes deploy broke the API' });
    await api.submit({ id: 'metrics-2', text: 'metrics-2 the kubernetes deploy broke the API' });
    await api.submit({ id: 'metrics-3', text: 'metrics-3 the kubernetes deploy broke the API' });
    await api.waitForStatus('metrics-1', 'completed');
    await api.waitForStatus('metrics-2', 'pending_review');
    await api.waitForStatus('metrics-3', 'paused');

    const text = await waitFor(
      async () => (await fetch(url)).text(),
      (t) => /docket_pauses_total\{/.test(t) && /docket_reviews_total\{/.test(t),
      { timeoutMs: 15_000 },
    );
    const value = (pattern: RegExp) => {
      const line = text.split('\n').find((l) => pattern.test(l));
      assert.ok(line, `no metric line matching ${pattern}`);
      return Number(line.split(' ').pop());
    };
    assert.equal(value(/^docket_llm_calls_total\{.*outcome="ok"/), 1);
    assert.equal(value(/^docket_llm_calls_total\{.*outcome="invalid_output"/), 2);
    assert.equal(value(/^docket_llm_calls_total\{.*error_type="DocketAuthentication"/), 1);
    assert.equal(value(/^docket_parse_failures_total\{/), 2);
    assert.ok(value(/^docket_llm_tokens_total\{.*kind="output"/) > 0);
    assert.ok(value(/^docket_llm_cost_microusd_total\{/) > 0);
    assert.ok(value(/^docket_llm_latency_count\{.*outcome="ok"/) >= 1);
    assert.match(text, /docket_llm_latency_bucket\{[^}]*le="250"/, 'millisecond buckets');
    assert.equal(value(/^docket_reviews_total\{.*reason="invalid_output"/), 1);
    assert.equal(value(/^docket_pauses_total\{.*reason="credentials"/), 1);
    // No limit and no DOCKET_LLM_CONCURRENCY in this worker: 16.
    assert.equal(value(/^docket_llm_slots\{/), 16);
    assert.match(text, /temporal_workflow_task_execution_latency|temporal_activity_execution_latency/);
  });
});

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { batchWorkflowId, documentWorkflowId } from '../../src/shared/names.js';
import type { RecordedRequest } from '../../src/simulator/index.js';
import type { DocketWorkers } from '../../src/worker/create-workers.js';
import { testApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const TEXT = 'the kubernetes deploy broke the API server';

describe('pacing to the provider', () => {
  let env: DocketTestEnv;
  let worker: (DocketWorkers & { done: Promise<void> }) | undefined;
  before(async () => {
    env = await startDocket({ worker: false, simulator: { latencyMs: { min: 20, max: 40 } } });
  });
  afterEach(async () => {
    worker?.shutdown();
    await worker?.done;
    worker = undefined;
  });
  after(() => env.stop());

  /** What the simulator saw for the documents of a batch. */
  const requestsOf = (prefix: string) => env.sim.requests.filter((r) => r.userText.includes(`${prefix}-`));

  /** Submits a batch through the API; returns its id. */
  async function submitBatch(prefix: string, count: number): Promise<string> {
    const documents = Array.from({ length: count }, (_, i) => ({
      id: `${prefix}-${i}`,
      text: `${prefix}-${i} ${TEXT}`,
    }));
    const res = await testApi(env).call('/v1/batches', {
      method: 'POST',
      token: TEST_TOKENS.submitter,
      body: { documents },
    });
    assert.equal(res.status, 202);
    return ((await res.json()) as { batchId: string }).batchId;
  }

  /** Submits a batch, waits until it is done, and returns what the simulator saw for it. */
  async function runBatch(prefix: string, count: number): Promise<RecordedRequest[]> {
    const api = testApi(env);
    const batchId = await submitBatch(prefix, count);
    const view = await waitFor(
      async () => (await (await api.call(`/v1/batches/${batchId}`)).json()) as { done: boolean; counts: object },
      (v) => v.done,
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(view.counts, { ...view.counts, completed: count });
    return requestsOf(prefix);
  }

  /** The most requests that arrived within any `ms` milliseconds. */
  function peakIn(requests: RecordedRequest[], ms: number): number {
    const at = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; j < at.length; j++) {
      while ((at[j] ?? 0) - (at[i] ?? 0) >= ms) i++;
      peak = Math.max(peak, j - i + 1);
    }
    return peak;
  }

  it("holds calls while the provider's x-ratelimit headers say no request remains, instead of drawing 429s", async () => {
    // The provider allows 5 a minute and Docket was told nothing: the fifth answer reports none remaining. First in
    // this file, so that the provider's window holds no earlier requests.
    env.sim.setProfile({ rpm: 5 });
    let batchId: string | undefined;
    try {
      worker = await env.startWorker({ DOCKET_LLM_CONCURRENCY: '1' });
      batchId = await submitBatch('hdr', 8);
      await waitFor(
        () => Promise.resolve(requestsOf('hdr')),
        (r) => r.length >= 5 && r.every((q) => q.finishedAt !== undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const requests = requestsOf('hdr');
      assert.deepEqual(
        requests.map((r) => r.status),
        [200, 200, 200, 200, 200],
        'no sixth request while the limit has not replenished one',
      );
    } finally {
      env.sim.setProfile({ rpm: undefined });
      // The rest of the batch would otherwise take LLM slots in the next tests.
      const ids = [
        ...(batchId ? [batchWorkflowId(batchId)] : []),
        ...[...Array(8).keys()].map((i) => documentWorkflowId(`hdr-${i}`)),
      ];
      await Promise.allSettled(ids.map((id) => env.client.workflow.getHandle(id).terminate('test over')));
    }
  });

  it('spaces requests to DOCKET_LLM_RPM across the task queue, with no 429', async () => {
    // 120 rpm: one request at once, then about two a second (98% of the limit).
    worker = await env.startWorker({ DOCKET_LLM_RPM: '120', DOCKET_LLM_CONCURRENCY: '8' });
    const requests = await runBatch('rpm', 10);
    assert.equal(requests.length, 10);
    assert.equal(requests.filter((r) => r.status === 429).length, 0);
    assert.ok(peakIn(requests, 1_000) <= 3, `at most 1 + 2 requests in any second, saw ${peakIn(requests, 1_000)}`);
    const at = requests.map((r) => r.receivedAt);
    const span = Math.max(...at) - Math.min(...at);
    assert.ok(span >= 8 * 500 * 0.98, `10 requests at 2/s after a burst of 1 span at least 3.9 s, took ${span} ms`);
  });

  it('spends DOCKET_LLM_TPM no faster than the limit, even for calls above one second of tokens', async () => {
    // 30,000 tpm: 500 tokens a second; each call reserves its prompt plus the 400-token output cap, more than that.
    worker = await env.startWorker({ DOCKET_LLM_TPM: '30000', DOCKET_LLM_CONCURRENCY: '8' });
    const requests = await runBatch('tpm', 8);
    assert.equal(requests.filter((r) => r.status === 429).length, 0);
    const { rows } = await env.pool.query<{ tokens: number; reserved: number }>(
      `SELECT sum(input_tokens + output_tokens)::float8 AS tokens, max(input_tokens)::float8 + 400 AS reserved
       FROM llm_calls WHERE document_id LIKE 'tpm-%' AND outcome = 'ok'`,
    );
    const { tokens = 0, reserved = 0 } = rows[0] ?? {};
    const at = requests.map((r) => r.receivedAt);
    const spanS = (Math.max(...at) - Math.min(...at)) / 1000;
    // What a bucket of one second's worth refilled at 95% can admit: a full bucket, the refill, one overdraft.
    const admissible = 500 + 475 * spanS + reserved;
    assert.ok(tokens <= admissible, `${tokens} tokens in ${spanS.toFixed(2)} s; the bucket admits ${admissible}`);
  });

  it('takes no more LLM calls off the task queue than DOCKET_LLM_CONCURRENCY', async () => {
    env.sim.setProfile({ latencyMs: { min: 300, max: 300 } });
    try {
      worker = await env.startWorker({ DOCKET_LLM_CONCURRENCY: '2' });
      const requests = await runBatch('slots', 6);
      let peak = 0;
      for (const r of requests) {
        const overlapping = requests.filter((o) => o.receivedAt <= r.receivedAt && (o.finishedAt ?? 0) > r.receivedAt);
        peak = Math.max(peak, overlapping.length);
      }
      assert.equal(peak, 2);
    } finally {
      env.sim.setProfile({ latencyMs: { min: 20, max: 40 } });
    }
  });
});

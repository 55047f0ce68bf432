import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { batchProgressQuery } from '../../src/shared/messages.js';
import type { ClassifyBatchInput } from '../../src/shared/workflow-types.js';
import { testApi } from '../helpers/api.js';
import { startDocket, startTestBatch, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const TOPICS = [
  'the kubernetes deploy broke the API server',
  'quarterly revenue and customer sales grew',
  'the contract clause limits liability',
  'the brand campaign reached a new audience on social media',
];

describe('classifyBatchWorkflow', () => {
  let env: DocketTestEnv;
  before(async () => {
    env = await startDocket({ simulator: { latencyMs: { min: 40, max: 80 } } });
  });
  after(() => env.stop());

  const runBatch = (batchId: string, ids: string[], options: Partial<ClassifyBatchInput> = {}) =>
    startTestBatch(
      env,
      batchId,
      ids.map((id) => ({ id, text: `${id} ${TOPICS[Number(id.split('-').pop()) % TOPICS.length] ?? TOPICS[0]}` })),
      options,
    );

  /** The most LLM requests the simulator was serving at once for these markers. */
  function maxOverlap(prefix: string): number {
    const reqs = env.sim.requests.filter((r) => r.userText.includes(prefix));
    let max = 0;
    for (const r of reqs) {
      const overlapping = reqs.filter(
        (o) => o.receivedAt <= r.receivedAt && (o.finishedAt ?? Infinity) > r.receivedAt,
      ).length;
      max = Math.max(max, overlapping);
    }
    return max;
  }

  it('classifies every document through a bounded window and counts settled statuses', async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `b1-doc-${i}`);
    env.sim.addRule({ match: 'b1-doc-5 ', faults: [{ kind: 'low_confidence', confidence: 0.2 }] });
    env.sim.addRule({ match: 'b1-doc-9 ', faults: [{ kind: 'low_confidence', confidence: 0.2 }] });
    const handle = await runBatch('b1', ids, { childrenPerRun: 10 });
    const result = await handle.result();
    assert.equal(result.progress.done, true);
    assert.deepEqual(result.progress.settled, { completed: 22, pending_review: 2 });
    assert.equal(result.progress.started, 24);
    assert.ok(result.progress.runs >= 3, `continued as new: ${result.progress.runs} runs`);
    assert.equal(env.sim.requestsMatching('b1-doc-').length, 24);
    assert.ok(maxOverlap('b1-doc-') <= 4, `at most the window in flight, saw ${maxOverlap('b1-doc-')}`);
    const { rows } = await env.pool.query(
      `SELECT count(*)::int AS n FROM classifications WHERE document_id LIKE 'b1-doc-%'`,
    );
    assert.equal(rows[0].n, 22);
  });

  it('does not send documents already classified to the LLM again', async () => {
    const before = env.sim.requestsMatching('b1-doc-').length;
    const ids = [...Array.from({ length: 6 }, (_, i) => `b1-doc-${i + 10}`), 'b2-new-1', 'b2-new-2'];
    const handle = await runBatch('b2', ids);
    const result = await handle.result();
    assert.equal(env.sim.requestsMatching('b1-doc-').length, before, 'no new call for classified documents');
    assert.equal(env.sim.requestsMatching('b2-new-').length, 2);
    assert.equal(result.progress.skipped, 6);
    assert.deepEqual(result.progress.settled, { completed: 2 });
  });

  it('reports progress through a query while it runs', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `b3-doc-${i}`);
    const handle = await runBatch('b3', ids, { window: 2 });
    const progress = await handle.query(batchProgressQuery);
    assert.equal(progress.total, 12);
    await handle.result();
    const final = await handle.query(batchProgressQuery);
    assert.equal(final.done, true);
    assert.equal(final.settled['completed'], 12);
  });

  it('runs a batch submitted through the API and shows its counts and cost', async () => {
    const api = testApi(env);
    env.sim.addRule({ match: 'api-batch-3 ', faults: [{ kind: 'low_confidence', confidence: 0.1 }] });
    const documents = Array.from({ length: 8 }, (_, i) => ({
      id: `api-batch-${i}`,
      text: `api-batch-${i} ${TOPICS[i % 4]}`,
    }));
    const res = await api.call('/v1/batches', { method: 'POST', token: TEST_TOKENS.submitter, body: { documents } });
    assert.equal(res.status, 202);
    const { batchId } = (await res.json()) as { batchId: string };
    type View = { done: boolean; documents: number; counts: Record<string, number>; calls: number; costUsd: number };
    const view = await waitFor(
      async () => (await (await api.call(`/v1/batches/${batchId}`)).json()) as View,
      (v) => v.done,
    );
    assert.equal(view.documents, 8);
    assert.equal(view.counts['completed'], 7);
    assert.equal(view.counts['pending_review'], 1);
    assert.equal(view.counts['classifying'], 0);
    assert.equal(view.calls, 8);
    assert.ok(view.costUsd > 0);
    assert.equal((await api.call('/v1/batches/no-such-batch')).status, 404);
  });
});

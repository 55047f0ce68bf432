import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import type { ReclassifyReport } from '../../src/documents/reclassify.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

describe('reclassify', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket();
    api = testApi(env);
  });
  after(() => env.stop());

  const reclassify = (selection: Record<string, unknown>, token: string = TEST_TOKENS.admin) =>
    api.call('/v1/reclassify', { method: 'POST', token, body: { selection } });
  const report = async (id: string) => (await (await api.call(`/v1/reclassify/${id}`)).json()) as ReclassifyReport;
  const versions = async (id: string) =>
    (
      await env.pool.query(
        `SELECT version, decided_by, category, workflow_id FROM classification_versions WHERE document_id = $1
         ORDER BY version`,
        [id],
      )
    ).rows;

  it('runs a batch again as new workflows, keeps earlier results, never replaces a person’s, and lists changes', async () => {
    const run = Date.now();
    const [changes, same, human] = [`rc-change-${run}`, `rc-same-${run}`, `rc-human-${run}`];
    // The person's document: unsure the first time, so a reviewer decides it.
    env.sim.addRule({ match: human, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    const res = await api.call('/v1/batches', {
      method: 'POST',
      token: TEST_TOKENS.submitter,
      body: {
        documents: [
          { id: changes, text: `${changes} the contract clause limits liability under GDPR` },
          { id: same, text: `${same} quarterly revenue and business growth for the sales team` },
          { id: human, text: `${human} the contract clause limits liability under GDPR` },
        ],
      },
    });
    assert.equal(res.status, 202);
    const { batchId } = (await res.json()) as { batchId: string };
    await api.waitForStatus(human, 'pending_review');
    assert.equal((await api.review(human, { category: 'technical' })).status, 200);
    await api.waitForStatus(changes, 'completed');
    await api.waitForStatus(same, 'completed');

    // The second run answers otherwise for two documents, confidently.
    env.sim.addRule({ match: changes, faults: [{ kind: 'low_confidence', confidence: 0.93, category: 'business' }] });
    env.sim.addRule({ match: human, faults: [{ kind: 'low_confidence', confidence: 0.95, category: 'legal' }] });
    const started = await reclassify({ batchId });
    assert.equal(started.status, 202);
    const { reclassifyId, documents } = (await started.json()) as { reclassifyId: string; documents: number };
    assert.equal(documents, 3);

    const done = await waitFor(
      () => report(reclassifyId),
      (r) => r.finished === 3,
      { timeoutMs: 60_000 },
    );
    for (const id of [changes, same, human]) {
      // The result is stored a moment before the workflow completes.
      const outcome = (await env.client.workflow.getHandle(`reclassify-${id}-2`).result()) as { status: string };
      assert.equal(outcome.status, 'completed', `reclassify-${id}-2 ran`);
    }
    assert.deepEqual([done.total, done.running, done.unchanged], [3, 0, 1]);
    assert.deepEqual(
      done.changed.sort((a, b) => a.id.localeCompare(b.id)),
      [
        { id: changes, from: 'legal', to: 'business', decidedBy: 'model', applied: true },
        { id: human, from: 'technical', to: 'legal', decidedBy: 'model', applied: false },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );

    // The changed document: the new result is current, the previous one queryable.
    const changed = await api.get(changes);
    assert.equal(changed.result?.category, 'business');
    assert.deepEqual(
      changed.history?.map((v) => [v.version, v.category]),
      [[1, 'legal']],
    );
    assert.deepEqual(
      (await versions(changes)).map((v) => [v.version, v.category, v.workflow_id]),
      [
        [1, 'legal', `classify-${changes}`],
        [2, 'business', `reclassify-${changes}-2`],
      ],
    );

    // The person's decision stays current; the model's new answer is kept beside it.
    const kept = await api.get(human);
    assert.deepEqual([kept.result?.category, kept.result?.decidedBy], ['technical', 'human']);
    assert.deepEqual(
      kept.history?.map((v) => [v.version, v.category, v.decidedBy]),
      [[2, 'legal', 'model']],
    );
    const current = await env.pool.query('SELECT version, decided_by FROM classifications WHERE document_id = $1', [
      human,
    ]);
    assert.deepEqual(current.rows, [{ version: 1, decided_by: 'human' }]);
  });

  it('selects by category and prompt version, and starts the next version’s workflow', async () => {
    const id = `rc-cat-${Date.now()}`;
    await api.submit({ id, text: `${id} kubernetes deployment outage on the api server` });
    await api.waitForStatus(id, 'completed');
    const { promptVersion } = (await api.get(id)).result!;
    const res = await reclassify({ category: 'technical', promptVersion, since: '1h' });
    assert.equal(res.status, 202);
    const { reclassifyId } = (await res.json()) as { reclassifyId: string };
    await waitFor(
      () => report(reclassifyId),
      (r) => r.finished === r.total,
      { timeoutMs: 60_000 },
    );
    const rows = await env.pool.query('SELECT workflow_id FROM reclassification_documents WHERE reclassify_id = $1', [
      reclassifyId,
    ]);
    assert.ok(rows.rows.some((r: { workflow_id: string }) => r.workflow_id === `reclassify-${id}-2`));
    assert.equal((await versions(id)).length, 2);
  });

  it('lists a reclassification’s review in the queue and decides it through the document’s review route', async () => {
    const id = `rc-review-${Date.now()}`;
    await api.submit({ id, text: `${id} quarterly revenue and business growth for the sales team` });
    await api.waitForStatus(id, 'completed');
    env.sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.2, category: 'marketing' }] });
    // The first decision waits for nothing: no review is pending yet.
    assert.equal((await api.review(id, { category: 'legal' })).status, 409);
    const res = await reclassify({ category: 'business', since: '1h' });
    const { reclassifyId } = (await res.json()) as { reclassifyId: string };
    const item = await waitFor(
      async () => {
        const queue = (await (await api.call('/v1/reviews', { token: TEST_TOKENS.reviewer })).json()) as {
          reviews: { id: string; reason: string; workflowUrl: string }[];
        };
        return queue.reviews.find((r) => r.id === id);
      },
      (found) => found !== undefined,
    );
    assert.equal(item?.reason, 'low_confidence');
    assert.match(item?.workflowUrl ?? '', new RegExp(`reclassify-${id}-2`));
    const decided = await api.review(id, { category: 'marketing' });
    assert.equal(decided.status, 200);
    const doc = await api.get(id);
    assert.deepEqual([doc.result?.category, doc.result?.decidedBy], ['marketing', 'human']);
    assert.deepEqual(
      doc.history?.map((v) => [v.version, v.category, v.decidedBy]),
      [[1, 'business', 'model']],
    );
    const decisions = await env.pool.query('SELECT reason, category FROM review_decisions WHERE document_id = $1', [
      id,
    ]);
    assert.deepEqual(decisions.rows, [{ reason: 'low_confidence', category: 'marketing' }]);
    const diff = await waitFor(
      () => report(reclassifyId),
      (r) => r.changed.some((c) => c.id === id),
    );
    assert.deepEqual(
      diff.changed.find((c) => c.id === id),
      { id, from: 'business', to: 'marketing', decidedBy: 'human', applied: true },
    );
  });

  it('answers 503 with what to do when Temporal does not accept the starts', async () => {
    const id = `rc-down-${Date.now()}`;
    await api.submit({ id, text: `${id} the contract clause limits liability under GDPR` });
    await api.waitForStatus(id, 'completed');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) });
    const app = createApp({ pool: env.pool, client: down, config: env.config, logger: env.logger });
    const res = await app.request('/v1/reclassify', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ selection: { category: 'legal', since: '1h' } }),
    });
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /send the same selection again/);
  });

  it('rejects an empty selection with 400, a reviewer with 403, and an unknown id with 404', async () => {
    const empty = await reclassify({});
    assert.equal(empty.status, 400);
    assert.match(((await empty.json()) as { error: { message: string } }).error.message, /selection is empty/);
    const typo = await reclassify({ batch: 'x' });
    assert.equal(typo.status, 400);
    assert.equal((await reclassify({ category: 'legal' }, TEST_TOKENS.reviewer)).status, 403);
    assert.equal((await api.call('/v1/reclassify/nope')).status, 404);
  });
});

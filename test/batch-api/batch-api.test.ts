import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { priceUsage } from '../../src/llm/pricing.js';
import { formatReportText } from '../../src/reports/format-text.js';
import { buildReport } from '../../src/reports/report.js';
import { documentWorkflowId, SA, statusQuery } from '../../src/shared/index.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { batchApiDocket, documents, submitBatch } from './helpers.js';

describe('the Batch API path', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket(batchApiDocket());
    api = testApi(env);
  });
  after(() => env.stop());

  const completedAll = (ids: string[]) =>
    waitFor(
      async () => Promise.all(ids.map((id) => api.get(id))),
      (views) => views.every((v) => v.status === 'completed'),
      { timeoutMs: 60_000 },
    );

  it('classifies a batch through one provider job, at half the price, with no realtime call', async () => {
    const { ids } = await submitBatch(api, documents('bapi-happy', 6));
    const views = await completedAll(ids);
    assert.deepEqual(
      views.map((v) => v.result?.category),
      ['technical', 'business', 'legal', 'marketing', 'technical', 'business'],
    );
    assert.equal(env.sim.requestsMatching('bapi-happy').length, 0, 'no realtime chat completion');
    const creates = env.sim.batchApiRequests.filter((r) => r.operation === 'batches.create');
    assert.equal(creates.length, 1, 'one provider job for the six documents');

    const { rows } = await env.pool.query(
      `SELECT document_id, mode, provider_job_id, model, input_tokens, cached_tokens, output_tokens, cost_usd, parse_ok
       FROM llm_calls WHERE document_id = ANY($1) ORDER BY document_id`,
      [ids],
    );
    assert.equal(rows.length, 6, 'one ledger row per line');
    for (const row of rows) {
      assert.equal(row.mode, 'batch_api');
      assert.match(row.provider_job_id, /^batch_/);
      assert.equal(row.parse_ok, true);
      assert.ok(row.input_tokens > 0);
      const usage = { inputTokens: row.input_tokens, cachedTokens: row.cached_tokens, outputTokens: row.output_tokens };
      const realtime = priceUsage(row.model, usage).costUsd!;
      assert.ok(Math.abs(row.cost_usd - realtime / 2) < 1e-12, 'priced at half the realtime price');
    }

    const handle = env.client.workflow.getHandle(documentWorkflowId(ids[0]!));
    const progress = await handle.query(statusQuery);
    assert.equal(progress.mode, 'batch_api');
    assert.equal(progress.batchApi?.providerJobId, rows[0].provider_job_id, 'the status query names the job');
    const described = await handle.describe();
    assert.equal(described.typedSearchAttributes.get(SA.mode), 'batch_api');

    const report = await buildReport(env.pool);
    const batch = report.modes?.byMode.find((m) => m.mode === 'batch_api');
    const paid = rows.reduce((sum, r) => sum + r.cost_usd, 0);
    assert.ok(batch && Math.abs(batch.costUsd - paid) < 1e-12 && Math.abs(batch.savedUsd - paid) < 1e-12);
    assert.equal(batch.providerJobs, 1);
    assert.ok(batch.waitP50Ms !== null && batch.waitP50Ms > 0, 'the wait from queueing to the answer');
    assert.match(formatReportText(report), /saved by the Batch API/);
  });

  it('shows a waiting document as classifying at stage waiting_for_batch_api', async () => {
    // A job that takes a while: the documents wait in it.
    env.sim.addBatchRule({ faults: [{ kind: 'slow_output', stage: 'finalizing', ms: 3_000 }] });
    const { ids } = await submitBatch(api, documents('bapi-wait', 2));
    const waiting = await waitFor(
      () => api.get(ids[0]!),
      (v) => v.status === 'classifying' && v.stage === 'waiting_for_batch_api',
      { timeoutMs: 20_000 },
    );
    assert.equal(waiting.status, 'classifying');
    await completedAll(ids);
  });

  it('sends the repair of invalid output into the next job', async () => {
    env.sim.addRule({ match: 'bapi-repair-0:', faults: ['invalid_json'] });
    const creates = env.sim.batchApiRequests.filter((r) => r.operation === 'batches.create').length;
    const { ids } = await submitBatch(api, documents('bapi-repair', 2));
    await completedAll(ids);
    const { rows } = await env.pool.query(
      `SELECT outcome, purpose, mode FROM llm_calls WHERE document_id = 'bapi-repair-0' ORDER BY started_at`,
    );
    assert.deepEqual(rows, [
      { outcome: 'invalid_output', purpose: 'classify', mode: 'batch_api' },
      // As in realtime, the ledger's purpose is the document's; the repair is the second call.
      { outcome: 'ok', purpose: 'classify', mode: 'batch_api' },
    ]);
    assert.equal(env.sim.requestsMatching('bapi-repair').length, 0, 'no realtime call');
    assert.equal(env.sim.batchApiRequests.filter((r) => r.operation === 'batches.create').length - creates, 2);
  });

  it('cancels a batch: its documents end failed (cancelled) and the provider job is cancelled', async () => {
    env.sim.addBatchRule({ faults: [{ kind: 'slow_output', stage: 'finalizing', ms: 30_000 }] });
    const { batchId, ids } = await submitBatch(api, documents('bapi-cancel', 3));
    await waitFor(
      async () =>
        Number(
          (
            await env.pool.query(
              `SELECT count(*) AS n FROM batch_api_requests r JOIN batch_api_jobs j USING (job_key)
               WHERE r.document_id = ANY($1) AND j.provider_job_id IS NOT NULL`,
              [ids],
            )
          ).rows[0].n,
        ),
      (n) => n === 3,
      { timeoutMs: 20_000 },
    );
    const cancels = env.sim.batchApiRequests.filter((r) => r.operation === 'batches.cancel').length;
    const res = await api.call(`/v1/batches/${batchId}/cancel`, { method: 'POST', token: TEST_TOKENS.submitter });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { batchId, cancelled: 3 });
    const views = await waitFor(
      async () => Promise.all(ids.map((id) => api.get(id))),
      (vs) => vs.every((v) => v.status === 'failed'),
      { timeoutMs: 20_000 },
    );
    assert.ok(views.every((v) => v.status === 'failed'));
    await waitFor(
      async () => env.sim.batchApiRequests.filter((r) => r.operation === 'batches.cancel').length - cancels,
      (n) => n === 1,
      { timeoutMs: 10_000 },
    );
    const states = await env.pool.query(`SELECT DISTINCT state FROM batch_api_requests WHERE document_id = ANY($1)`, [
      ids,
    ]);
    assert.deepEqual(states.rows, [{ state: 'withdrawn' }]);
    const unknown = await api.call('/v1/batches/no-such-batch/cancel', {
      method: 'POST',
      token: TEST_TOKENS.submitter,
    });
    assert.equal(unknown.status, 404);
  });

  it("erases a document's Batch API request and line with the document", async () => {
    const { ids } = await submitBatch(api, documents('bapi-erase', 1));
    await completedAll(ids);
    const res = await api.call(`/v1/documents/${ids[0]}`, { method: 'DELETE', token: TEST_TOKENS.admin });
    assert.equal(res.status, 200);
    const left = await env.pool.query(
      `SELECT (SELECT count(*) FROM batch_api_requests WHERE document_id = $1)::int AS requests,
              (SELECT count(*) FROM batch_api_lines WHERE custom_id LIKE $1 || ':%')::int AS lines`,
      [ids[0]],
    );
    assert.deepEqual(left.rows[0], { requests: 0, lines: 0 });
  });
});

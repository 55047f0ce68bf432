import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { batchApiDocket, documents, submitBatch } from './helpers.js';

/** Every line accounted for: error lines through the taxonomy, expired and missing lines re-queued, duplicates once. */
describe('Batch API lines', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket(batchApiDocket());
    api = testApi(env);
  });
  after(() => env.stop());

  const settled = (ids: string[]) =>
    waitFor(
      async () => Promise.all(ids.map((id) => api.get(id))),
      (views) => views.every((v) => v.status !== 'classifying'),
      { timeoutMs: 60_000 },
    );
  const creates = () => env.sim.batchApiRequests.filter((r) => r.operation === 'batches.create').length;
  const ledger = async (ids: string[]) =>
    (
      await env.pool.query(
        `SELECT document_id, outcome, error_type, http_status, provider_job_id FROM llm_calls
         WHERE document_id = ANY($1) ORDER BY document_id, started_at, call_key`,
        [ids],
      )
    ).rows;
  const resultRows = async (ids: string[]) =>
    Number(
      (await env.pool.query('SELECT count(*) AS n FROM classifications WHERE document_id = ANY($1)', [ids])).rows[0].n,
    );

  it('re-queues a 429 line into the next job, sends a context_length line to review and pauses on a 401 line', async () => {
    const docs = documents('bapi-err', 4);
    env.sim.addBatchRule({
      faults: [
        { kind: 'error_lines', customIds: ['bapi-err-0:1'], error: 'rate_limit' },
        { kind: 'error_lines', customIds: ['bapi-err-1:1'], error: 'context_length_exceeded' },
        { kind: 'error_lines', customIds: ['bapi-err-2:1'], error: 'unauthorized' },
      ],
    });
    const before = creates();
    const { ids } = await submitBatch(api, docs);
    const views = await settled(ids);
    assert.deepEqual(
      views.map((v) => [v.status, v.review?.reason]),
      [
        ['completed', undefined],
        ['pending_review', 'input_too_long'],
        ['paused', undefined],
        ['completed', undefined],
      ],
    );
    assert.equal(creates() - before, 2, 'the 429 line went into a second job');
    const rows = await ledger(ids);
    const of = (id: string) => rows.filter((r) => r.document_id === id).map((r) => [r.outcome, r.http_status]);
    assert.deepEqual(of('bapi-err-0'), [
      ['error', 429],
      ['ok', 200],
    ]);
    assert.deepEqual(of('bapi-err-1'), [['error', 400]]);
    assert.deepEqual(of('bapi-err-2'), [['error', 401]]);
    assert.equal(rows.filter((r) => r.provider_job_id === null).length, 0, 'no realtime call');

    // The operator fixes the key and resumes: the document queues a new request, answered by a third job.
    assert.equal((await api.resume('bapi-err-2')).status, 200);
    await api.waitForStatus('bapi-err-2', 'completed', 30_000);
    assert.equal(creates() - before, 3);
  });

  it('keeps the finished lines of an expired job and re-queues the rest: nothing lost, nothing paid twice', async () => {
    env.sim.addBatchRule({ faults: [{ kind: 'expire', share: 0.5 }] });
    const before = creates();
    const { ids } = await submitBatch(api, documents('bapi-exp', 6));
    const views = await settled(ids);
    assert.ok(views.every((v) => v.status === 'completed'));
    assert.equal(creates() - before, 2);
    const rows = await ledger(ids);
    assert.equal(rows.length, 6, 'one ledger row per document: expired lines were never run nor billed');
    assert.equal(new Set(rows.map((r) => r.provider_job_id)).size, 2, 'half answered by each job');
    assert.equal(await resultRows(ids), 6);
  });

  it('finds a line that never came back and re-queues it; a duplicate line is stored once', async () => {
    env.sim.addBatchRule({
      faults: [
        { kind: 'missing_lines', customIds: ['bapi-miss-0:1'] },
        { kind: 'duplicate_lines', customIds: ['bapi-miss-1:1'] },
      ],
    });
    const { ids } = await submitBatch(api, documents('bapi-miss', 3));
    const views = await settled(ids);
    assert.ok(views.every((v) => v.status === 'completed'));
    const rows = await ledger(ids);
    assert.deepEqual(
      rows.map((r) => r.document_id),
      ['bapi-miss-0', 'bapi-miss-1', 'bapi-miss-2'],
      'the missing line answered by the second job; the duplicate counted once',
    );
    const lines = await env.pool.query(`SELECT count(*) AS n FROM batch_api_lines WHERE custom_id = 'bapi-miss-1:1'`);
    assert.equal(Number(lines.rows[0].n), 1);
  });

  it('re-queues every request of a job refused at validation over the enqueued-token limit', async () => {
    env.sim.addBatchRule({ faults: [{ kind: 'token_limit_exceeded', limit: 90_000 }] });
    const before = creates();
    const { ids } = await submitBatch(api, documents('bapi-limit', 3));
    const views = await settled(ids);
    assert.ok(views.every((v) => v.status === 'completed'));
    assert.equal(creates() - before, 2);
    assert.equal((await ledger(ids)).length, 3);
  });
});

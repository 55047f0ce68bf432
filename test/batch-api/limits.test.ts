import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { batchApiDocket, documents, submitBatch } from './helpers.js';

/** Jobs split by the per-job request limit, and held back by the enqueued-token limit per model. */
describe('Batch API limits', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    // One request's prompt is far over 1 token: each job holds one request, and waits for the one before to finish.
    env = await startDocket(
      batchApiDocket({ DOCKET_BATCH_API_MAX_REQUESTS: '2', DOCKET_BATCH_API_MAX_QUEUED_TOKENS: '1' }),
    );
    api = testApi(env);
  });
  after(() => env.stop());

  it('never has two jobs of a model enqueued when one fills the enqueued-token limit', async () => {
    const { ids } = await submitBatch(api, documents('bapi-tokens', 3));
    await waitFor(
      async () => Promise.all(ids.map((id) => api.get(id))),
      (views) => views.every((v) => v.status === 'completed'),
      { timeoutMs: 60_000 },
    );
    const { rows } = await env.pool.query<{ requests: number; submitted_at: Date; collected_at: Date }>(
      `SELECT j.requests, j.submitted_at, j.collected_at FROM batch_api_jobs j
       WHERE j.job_key IN (SELECT job_key FROM batch_api_requests WHERE document_id = ANY($1)) ORDER BY submitted_at`,
      [ids],
    );
    assert.equal(rows.length, 3, 'one request per job');
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i]!.submitted_at >= rows[i - 1]!.collected_at, 'the next job waited for the one before');
    }
  });
});

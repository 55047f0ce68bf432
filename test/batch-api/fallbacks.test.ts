import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { batchApiDocket, documents, submitBatch } from './helpers.js';

/** When the Batch API is not worth waiting for: past the deadline, and repairs configured to go realtime. */
describe('Batch API fallbacks to realtime', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket(batchApiDocket({ DOCKET_BATCH_API_DEADLINE: '5s', DOCKET_BATCH_API_REPAIR: 'realtime' }));
    api = testApi(env);
  });
  after(() => env.stop());

  const calls = async (id: string) =>
    (
      await env.pool.query(`SELECT outcome, mode FROM llm_calls WHERE document_id = $1 ORDER BY started_at, call_key`, [
        id,
      ])
    ).rows;

  it('classifies a document in realtime once its deadline passes, and takes no answer from the late job', async () => {
    env.sim.addBatchRule({ faults: [{ kind: 'slow_output', stage: 'finalizing', ms: 10_000 }] });
    const { ids } = await submitBatch(api, documents('bapi-late', 1));
    const id = ids[0]!;
    const view = await api.waitForStatus(id, 'completed', 20_000);
    assert.equal(view.result?.category, 'technical');
    assert.equal(env.sim.requestsMatching('bapi-late-0').length, 1, 'one realtime call after the deadline');
    const state = await env.pool.query(`SELECT state FROM batch_api_requests WHERE document_id = $1`, [id]);
    assert.deepEqual(state.rows, [{ state: 'withdrawn' }]);
    assert.deepEqual(await calls(id), [{ outcome: 'ok', mode: 'realtime' }]);
  });

  it('repairs invalid output with a realtime call when DOCKET_BATCH_API_REPAIR=realtime', async () => {
    env.sim.addRule({ match: 'bapi-rt-repair-0:', faults: ['invalid_json'] });
    const { ids } = await submitBatch(api, documents('bapi-rt-repair', 1));
    await api.waitForStatus(ids[0]!, 'completed', 20_000);
    assert.deepEqual(await calls(ids[0]!), [
      { outcome: 'invalid_output', mode: 'batch_api' },
      { outcome: 'ok', mode: 'realtime' },
    ]);
  });
});

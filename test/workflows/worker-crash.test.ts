import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

describe('a worker killed in the middle of an LLM call', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket({ worker: false });
    api = testApi(env);
  });
  after(() => env.stop());

  it('loses no document and writes no duplicate row once a new worker starts', async () => {
    const worker = spawnTs('src/worker.ts', [], { ...env.childEnv, DOCKET_LOG_LEVEL: 'info' });
    await worker.waitForOutput(/worker started/);
    const marker = `crash-${Date.now()}`;
    env.sim.addRule({ match: marker, faults: ['hang'] });
    const { id } = await api.submit({ id: marker, text: `${marker} quarterly revenue and customer sales grew` });

    await waitFor(
      async () => env.sim.requestsMatching(marker).length,
      (n) => n === 1,
    );
    worker.child.kill('SIGKILL');
    assert.equal((await worker.exited).signal, 'SIGKILL');

    await env.startWorker();
    const view = await api.waitForStatus(id, 'completed', 60_000);
    assert.equal(view.result?.category, 'business');
    assert.equal(env.sim.requestsMatching(marker).length, 2);
    const classifications = await env.pool.query(
      'SELECT count(*)::int AS n FROM classifications WHERE document_id = $1',
      [id],
    );
    assert.equal(classifications.rows[0].n, 1);
    const calls = await env.pool.query(
      'SELECT call_key, outcome FROM llm_calls WHERE document_id = $1 ORDER BY activity_attempt',
      [id],
    );
    assert.deepEqual(
      calls.rows.map((r) => r.outcome),
      ['started', 'ok'],
      'the killed attempt left its write-ahead row `started`; the retry wrote one row',
    );
    const documents = await env.pool.query('SELECT count(*)::int AS n FROM documents WHERE id = $1', [id]);
    assert.equal(documents.rows[0].n, 1);
  });
});

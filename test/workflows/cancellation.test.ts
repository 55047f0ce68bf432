import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SA } from '../../src/shared/search-attributes.js';
import { testApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { recordHistory, replayAll } from '../helpers/histories.js';
import { waitFor } from '../helpers/wait.js';

describe('cancelling a document', () => {
  let env: DocketTestEnv;
  before(async () => {
    // A long client timeout: only the cancellation can end the hanging call in this test.
    env = await startDocket({ env: { DOCKET_LLM_TIMEOUT_MS: '120000' } });
  });
  after(async () => {
    try {
      await replayAll(env);
      if (process.env.DOCKET_RECORD_HISTORIES) await recordHistory(env, 'cancel-me', 'failed-cancelled');
    } finally {
      await env.stop();
    }
  });

  it('ends failed with reason cancelled, aborts the HTTP request in flight and records the call', async () => {
    const api = testApi(env);
    env.sim.addRule({ match: 'cancel-me', faults: ['hang'] });
    await api.submit({ id: 'cancel-me', text: 'cancel-me the quarterly revenue grew' });
    await waitFor(
      async () => env.sim.requestsMatching('cancel-me').length,
      (n) => n === 1,
    );

    const handle = env.client.workflow.getHandle('classify-cancel-me');
    await handle.cancel();
    assert.deepEqual(await handle.result(), { documentId: 'cancel-me', status: 'failed', failureReason: 'cancelled' });
    const progress = (await handle.query('status')) as Record<string, unknown>;
    assert.equal(progress.status, 'failed');
    assert.equal(progress.failureReason, 'cancelled');
    assert.equal(progress.pauseReason, undefined, 'a cancellation is not a pause');
    assert.equal((await handle.describe()).typedSearchAttributes.get(SA.status), 'failed');
    assert.equal((await api.get('cancel-me')).status, 'failed');
    const request = await waitFor(
      async () => env.sim.requestsMatching('cancel-me')[0],
      (r) => r?.finishedAt !== undefined,
      { timeoutMs: 30_000 },
    );
    assert.ok(request && request.finishedAt !== undefined, 'the simulator saw the client hang up');
    const calls = await waitFor(
      async () =>
        (await env.pool.query(`SELECT outcome, error_type FROM llm_calls WHERE document_id = 'cancel-me'`)).rows,
      // The row exists from before the request (write-ahead): wait until the aborted call is recorded in it.
      (rows) => rows.length === 1 && rows[0]?.outcome !== 'started',
    );
    assert.deepEqual(calls, [{ outcome: 'error', error_type: 'cancelled' }]);
    assert.equal(env.sim.requestsMatching('cancel-me').length, 1, 'no retry after cancellation');
  });
});

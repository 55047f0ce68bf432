import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildReport } from '../../src/reports/report.js';
import { formatReportText } from '../../src/reports/format-text.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

describe('the write-ahead LLM call ledger', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket({ worker: false });
    api = testApi(env);
  });
  after(() => env.stop());

  it('keeps a row for a call in flight when its worker is SIGKILLed, and reports it as an unknown outcome', async () => {
    const worker = spawnTs('src/worker.ts', [], { ...env.childEnv, DOCKET_LOG_LEVEL: 'info' });
    await worker.waitForOutput(/worker started/);
    const marker = `ledger-${Date.now()}`;
    // The first request is never answered: the worker is killed while it waits.
    env.sim.addRule({ match: marker, faults: ['hang'] });
    const { id } = await api.submit({ id: marker, text: `${marker} quarterly revenue and customer sales grew` });

    await waitFor(
      async () => env.sim.requestsMatching(marker).length,
      (n) => n === 1,
    );
    worker.child.kill('SIGKILL');
    assert.equal((await worker.exited).signal, 'SIGKILL');

    const inFlight = await env.pool.query('SELECT outcome, latency_ms FROM llm_calls WHERE document_id = $1', [id]);
    assert.deepEqual(inFlight.rows, [{ outcome: 'started', latency_ms: null }], 'the row was written before the call');

    await env.startWorker();
    const view = await api.waitForStatus(id, 'completed', 60_000);
    assert.equal(view.result?.category, 'business');

    const calls = await env.pool.query(
      'SELECT outcome FROM llm_calls WHERE document_id = $1 ORDER BY activity_attempt',
      [id],
    );
    assert.equal(calls.rows.length, env.sim.requestsMatching(marker).length, 'one ledger row per provider request');
    assert.deepEqual(
      calls.rows.map((r) => r.outcome),
      ['started', 'ok'],
    );

    const report = await buildReport(env.pool);
    assert.equal(report.calls.unknownOutcome, 1);
    assert.match(formatReportText(report), /calls with unknown outcome 1\b/);
  });
});

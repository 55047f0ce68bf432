import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { batchApiDocket, documents, submitBatch } from './helpers.js';

const BUDGET_USD = 0.0005;

/** DOCKET_DAILY_BUDGET_USD holds in batch mode: requests reserve their worst case before they are queued. */
describe('the daily budget in batch_api mode', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket(batchApiDocket({ DOCKET_DAILY_BUDGET_USD: String(BUDGET_USD) }));
    api = testApi(env);
  });
  after(() => env.stop());

  it('queues what the budget takes, pauses the rest, and never overspends', async () => {
    const { ids } = await submitBatch(api, documents('bapi-budget', 20));
    const views = await waitFor(
      async () => Promise.all(ids.map((id) => api.get(id))),
      (vs) => vs.every((v) => v.status === 'completed' || v.status === 'paused'),
      { timeoutMs: 60_000 },
    );
    const completed = views.filter((v) => v.status === 'completed').length;
    const paused = views.filter((v) => v.status === 'paused');
    assert.ok(completed > 0, 'some documents fit in the budget');
    assert.ok(paused.length > 0, 'the budget stopped the rest');
    assert.equal(paused[0]?.pause?.reason, 'budget_exhausted');

    const queued = await env.pool.query(
      'SELECT count(*)::int AS n FROM batch_api_requests WHERE document_id = ANY($1)',
      [ids],
    );
    assert.equal(queued.rows[0].n, completed, 'a paused document queued nothing');
    const spent = await env.pool.query('SELECT coalesce(sum(cost_usd), 0)::float8 AS usd FROM llm_calls');
    assert.ok(spent.rows[0].usd <= BUDGET_USD, `spent $${spent.rows[0].usd} of $${BUDGET_USD}`);
    const day = await env.pool.query('SELECT spent_usd, reserved_usd FROM budget_days');
    assert.ok(Math.abs(day.rows[0].spent_usd - spent.rows[0].usd) < 1e-9, 'the budget ledger matches the call ledger');
    assert.ok(Math.abs(day.rows[0].reserved_usd) < 1e-12, 'no reservation left once every line is in');
  });
});

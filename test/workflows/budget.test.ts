import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs, type Spawned } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const BUDGET_USD = 0.002;

describe('the daily budget', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let second: Spawned;
  before(async () => {
    env = await startDocket({
      env: { DOCKET_DAILY_BUDGET_USD: String(BUDGET_USD) },
      simulator: { latencyMs: { min: 50, max: 100 } },
    });
    // A second worker process competes for the same budget.
    second = spawnTs('src/worker.ts', [], { ...env.childEnv, DOCKET_LOG_LEVEL: 'info' });
    await second.waitForOutput(/worker started/);
    api = testApi(env);
  });
  after(async () => {
    second.child.kill('SIGTERM');
    await second.exited;
    await env.stop();
  });

  const statuses = async (ids: string[]) => Promise.all(ids.map(async (id) => (await api.get(id)).status));

  it('pauses documents with reason budget_exhausted when two workers reach it, never overspending', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `budget-${i}`);
    await Promise.all(ids.map((id) => api.submit({ id, text: `${id} the quarterly revenue and customer sales grew` })));
    const settled = await waitFor(
      () => statuses(ids),
      (s) => s.every((x) => x === 'completed' || x === 'paused'),
      { timeoutMs: 60_000 },
    );
    const paused = ids.filter((_, i) => settled[i] === 'paused');
    const completed = settled.filter((s) => s === 'completed').length;
    assert.ok(completed > 0, 'some documents fit in the budget');
    assert.ok(paused.length > 0, 'the budget stopped the rest');
    const view = await api.get(paused[0]!);
    assert.equal(view.pause?.reason, 'budget_exhausted');

    const spent = await env.pool.query(
      'SELECT coalesce(sum(cost_usd), 0)::float8 AS usd, count(*)::int AS calls FROM llm_calls',
    );
    assert.ok(spent.rows[0].usd <= BUDGET_USD, `spent $${spent.rows[0].usd} of $${BUDGET_USD}`);
    assert.equal(spent.rows[0].calls, completed, 'a paused document made no call');
    assert.equal(env.sim.requestsMatching('budget-').length, completed);
    const day = await env.pool.query('SELECT spent_usd, reserved_usd FROM budget_days');
    assert.ok(Math.abs(day.rows[0].spent_usd - spent.rows[0].usd) < 1e-9, 'the budget ledger matches the call ledger');
    assert.equal(day.rows[0].reserved_usd, 0, 'no reservation leaks');

    // A new budget window (here: the operator raised the money) and `resume` finish the rest.
    await env.pool.query('UPDATE budget_days SET spent_usd = 0');
    const res = await api.call('/v1/resume', { method: 'POST', token: TEST_TOKENS.admin });
    assert.equal(res.status, 200);
    await waitFor(
      () => statuses(paused),
      (s) => s.every((x) => x === 'completed' || x === 'paused'),
      { timeoutMs: 60_000 },
    );
    const after = await statuses(ids);
    assert.ok(after.filter((s) => s === 'completed').length > completed, 'resumed documents completed');
  });
});

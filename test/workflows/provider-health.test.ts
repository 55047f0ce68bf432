import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { documentWorkflowId } from '../../src/shared/names.js';
import type { DocumentProgress } from '../../src/shared/workflow-types.js';
import type { ProviderHealthView } from '../../src/reports/provider-health.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { recordHistory, replayAll } from '../helpers/histories.js';
import { waitFor } from '../helpers/wait.js';

const TEXT = 'The kubernetes deploy broke the API server and the database.';
const CEILING = 2;

/**
 * The provider's health across documents and workers: the outage breaker shared through PostgreSQL, rate limits
 * waited out across attempts without consuming the ceiling, the rate-limit storm alert, and bounded unconfirmed 429s.
 * Requests are counted and timed at the simulator; statuses come from the API and the status query.
 */
describe('provider outages and rate limits', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket({
      env: {
        DOCKET_SERVER_ERROR_CEILING: String(CEILING),
        DOCKET_OUTAGE_THRESHOLD: '3',
        DOCKET_RATE_LIMIT_ALERT_AFTER: '3s',
        DOCKET_LLM_TIMEOUT_MS: '3000',
      },
    });
    api = testApi(env);
  });
  after(async () => {
    try {
      // Every path this file drove (the outage wait, 429s past the ceiling, the storm) replays on today's code.
      await replayAll(env);
      if (process.env.DOCKET_RECORD_HISTORIES) {
        await recordHistory(env, 'outage-0', 'completed-waiting_for_provider');
        await recordHistory(env, 'past-ceiling', 'completed-rate_limited_past_ceiling');
      }
    } finally {
      await env.stop();
    }
  });

  const progress = (id: string) =>
    env.client.workflow.getHandle(documentWorkflowId(id)).query<DocumentProgress>('status');
  const health = async () => {
    const res = await api.call('/healthz');
    return ((await res.json()) as { provider?: ProviderHealthView }).provider;
  };

  it('waits out a provider outage behind the breaker: at most one request per document plus probes, all complete', async () => {
    const n = 6;
    const outageMs = 8_000;
    env.sim.startOutage(outageMs);
    const outageEnds = Date.now() + outageMs;
    const ids = Array.from({ length: n }, (_, i) => `outage-${i}`);
    await Promise.all(ids.map((id) => api.submit({ id, text: `${id} ${TEXT}` })));

    const open = await waitFor(health, (h) => h?.breaker === 'open', { timeoutMs: 15_000 });
    assert.ok(open?.openedAt, 'the health answer says since when the breaker is open');
    const reportText = await (await api.call('/v1/report?format=text')).text();
    assert.match(reportText, /Provider {2}outage breaker open/, 'docket report shows the breaker');
    // Every document waits for the provider, none paused or sent to review.
    await waitFor(
      async () => Promise.all(ids.map(progress)),
      (all) => all.some((p) => p.stage === 'waiting_for_provider'),
      { timeoutMs: 15_000 },
    );
    const during = await Promise.all(ids.map(progress));
    assert.ok(
      during.every((p) => p.status === 'classifying'),
      `statuses during the outage: ${during.map((p) => p.status).join(', ')}`,
    );

    for (const id of ids) await api.waitForStatus(id, 'completed', 60_000);
    const requests = env.sim.requests.filter((r) => r.userText.includes('outage-'));
    const intoOutage = requests.filter((r) => r.status === 503);
    const { rows } = await env.pool.query<{ probes: number; breaker: string }>(
      `SELECT probes, breaker FROM provider_health`,
    );
    const probes = rows[0]?.probes ?? 0;
    assert.equal(rows[0]?.breaker, 'closed', 'the first success closed the breaker');
    assert.ok(
      intoOutage.length <= n + probes,
      `${intoOutage.length} requests into the outage for ${n} documents and ${probes} probes`,
    );
    // Probes back off 1 s, 2 s, 4 s...: a handful in 8 s, not one per document per second.
    assert.ok(probes <= 5, `${probes} probes in an ${outageMs} ms outage`);
    assert.equal(requests.filter((r) => r.status === 200).length, n, 'one successful call per document');
    assert.ok(requests.filter((r) => r.status === 200).every((r) => r.receivedAt >= outageEnds - 50));
    const calls = await env.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM llm_calls WHERE document_id LIKE 'outage-%' AND outcome = 'error' AND outage`,
    );
    assert.ok((calls.rows[0]?.n ?? 0) >= 1, 'failures during the outage are marked in the ledger');
    assert.equal((await health())?.breaker, 'closed');
    const report = (await (await api.call('/v1/report')).json()) as { provider?: { outageCalls: number } };
    assert.equal(report.provider?.outageCalls, calls.rows[0]?.n, 'the report counts the calls failed in the outage');
  });

  it('still pauses a poison input at the ceiling of server errors while other documents succeed', async () => {
    env.sim.addRule({ match: 'poison-doc', faults: ['server_error'], repeat: true });
    const healthy = Array.from({ length: 3 }, (_, i) => `healthy-${i}`);
    await api.submit({ id: 'poison-doc', text: `poison-doc ${TEXT}` });
    await Promise.all(healthy.map((id) => api.submit({ id, text: `${id} ${TEXT}` })));
    const paused = await api.waitForStatus('poison-doc', 'paused');
    assert.equal(paused.pause?.reason, 'retries_exhausted');
    assert.equal(env.sim.requestsMatching('poison-doc').length, CEILING);
    for (const id of healthy) await api.waitForStatus(id, 'completed');
    assert.equal((await health())?.breaker, 'closed', 'one failing input does not open the breaker');
    env.sim.clearRules();
  });

  it('waits out 429s past the ceiling in one activity, never before Retry-After, and completes unpaused', async () => {
    const retryAfterMs = 1_500;
    const faults = Array.from({ length: CEILING + 1 }, () => ({ kind: 'rate_limit' as const, retryAfterMs }));
    env.sim.addRule({ match: 'past-ceiling', faults });
    await api.submit({ id: 'past-ceiling', text: `past-ceiling ${TEXT}` });
    await api.waitForStatus('past-ceiling', 'completed');
    const requests = env.sim.requestsMatching('past-ceiling');
    assert.deepEqual(
      requests.map((r) => r.status),
      [429, 429, 429, 200],
    );
    for (let i = 1; i < requests.length; i++) {
      const gap = requests[i]!.receivedAt - requests[i - 1]!.receivedAt;
      assert.ok(gap >= retryAfterMs, `request ${i + 1} came ${gap} ms after a Retry-After of ${retryAfterMs} ms`);
    }
    const p = await progress('past-ceiling');
    assert.equal(p.attempts, 1, 'rate limits consumed no ceiling: one activity waited them all out');
    assert.equal(p.pauseReason, undefined);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    env.sim.addRule({
      match: 'http-date',
      faults: [{ kind: 'rate_limit', retryAfterMs: 2_000, retryAfterFormat: 'http-date' }],
    });
    await api.submit({ id: 'http-date', text: `http-date ${TEXT}` });
    await api.waitForStatus('http-date', 'completed');
    const [first, second] = env.sim.requestsMatching('http-date');
    assert.ok(first && second);
    // The date has whole seconds: the retry waits at least until the second after first + 2 s.
    const notBefore = Math.ceil((first.receivedAt + 2_000) / 1000) * 1000 - 1000;
    assert.ok(second.receivedAt >= notBefore, `retry ${second.receivedAt - first.receivedAt} ms after the 429`);
    assert.ok(second.receivedAt - first.receivedAt >= 1_000, 'not retried at the backoff of one second');
  });

  it('raises the rate-limit storm alert when nothing succeeds for DOCKET_RATE_LIMIT_ALERT_AFTER, and ends it', async () => {
    env.sim.addRule({ match: 'storm', faults: [{ kind: 'rate_limit', retryAfterMs: 600 }], repeat: true });
    await api.submit({ id: 'storm', text: `storm ${TEXT}` });
    // A worker raises it (log line, metric) at the first rate limit once the storm has lasted 3 s.
    const raised = await waitFor(
      async () =>
        (
          await env.pool.query<{ since: Date | null; alerted: Date | null }>(
            `SELECT rate_limited_since AS since, rate_limit_alerted_at AS alerted FROM provider_health`,
          )
        ).rows[0],
      (r) => r?.alerted !== null && r?.alerted !== undefined,
      { timeoutMs: 20_000 },
    );
    const lasted = raised!.alerted!.getTime() - raised!.since!.getTime();
    assert.ok(lasted >= 3_000, `alert after ${lasted} ms of rate limits`);
    const alerting = await health();
    assert.deepEqual(alerting?.rateLimitStorm, { since: raised!.since!.toISOString(), alert: true });
    assert.equal((await api.get('storm')).status, 'classifying', 'a real rate limit is waited out, never paused');
    env.sim.clearRules();
    await api.waitForStatus('storm', 'completed');
    assert.equal((await health())?.rateLimitStorm, undefined, 'a success ends the storm');
  });

  it('retries a 429 that is not demonstrably a rate limit a bounded number of times, then pauses', async () => {
    env.sim.addRule({ match: 'bare-429', faults: ['bare_429'], repeat: true });
    await api.submit({ id: 'bare-429', text: `bare-429 ${TEXT}` });
    const paused = await api.waitForStatus('bare-429', 'paused');
    assert.equal(paused.pause?.reason, 'unconfirmed_rate_limit');
    assert.equal(env.sim.requestsMatching('bare-429').length, CEILING);
    env.sim.clearRules();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FaultSpec } from '../../src/simulator/index.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { findLitellm, startLitellm, type LitellmProxy } from '../helpers/litellm.js';
import { isCi } from '../helpers/required-tools.js';

const missing = findLitellm() === undefined;
if (missing && isCi) throw new Error('the LiteLLM proxy is required under CI: npm run setup installs it');

/** Seconds a deployment of the cooldown group sits out after one upstream 429. */
const COOLDOWN_S = 3;

/**
 * The error taxonomy through a real gateway: Docket's worker calls the LiteLLM proxy (PyPI `litellm[proxy]`, as
 * `npm run setup` installs it), which calls the simulator. Every answer Docket sees is the proxy's rewrite of the
 * provider's, and every assertion counts what reached the provider (the simulator) or what Docket shows.
 */
describe('behind the LiteLLM proxy', { skip: missing ? 'LiteLLM proxy not installed (npm run setup)' : false }, () => {
  let env: DocketTestEnv;
  let proxy: LitellmProxy;
  let api: TestApi;
  let counter = 0;

  before(async () => {
    // The proxy adds its own latency on a busy machine: a timeout there would be a second, unrelated failure.
    env = await startDocket({
      worker: false,
      env: { DOCKET_SERVER_ERROR_CEILING: '3', DOCKET_LLM_TIMEOUT_MS: '20000' },
    });
    proxy = await startLitellm({
      upstreamBaseUrl: env.sim.baseUrl,
      upstreamApiKey: 'sk-docket-test',
      models: [
        { name: 'gpt-4o-mini' },
        {
          name: 'docket-cooldown',
          params: { cooldown_time: COOLDOWN_S },
          info: { allowed_fails_policy: { RateLimitErrorAllowedFails: 0 } },
        },
        { name: 'docket-budget', params: { max_budget: 0.0000001, budget_duration: '1d' } },
      ],
    });
    await env.startWorker({ OPENAI_BASE_URL: proxy.baseUrl, OPENAI_API_KEY: proxy.masterKey });
    api = testApi(env);
  });
  after(async () => {
    await proxy?.stop();
    await env?.stop();
  });

  /** The API as it would run with `DOCKET_MODEL=model`: documents ask the proxy for that model group. */
  const apiFor = (model: string) => testApi({ ...env, config: { ...env.config, llm: { ...env.config.llm, model } } });

  async function submitWith(faults: FaultSpec[], via: TestApi = api) {
    const marker = `gw-${++counter}-${Date.now()}`;
    if (faults.length > 0) env.sim.addRule({ match: marker, faults });
    const { id } = await via.submit({ id: marker, text: `${marker} The kubernetes deploy broke the API server.` });
    return { id, calls: () => env.sim.requestsMatching(marker) };
  }
  const ledger = async (id: string) =>
    (
      await env.pool.query<{ error_type: string | null; http_status: number | null }>(
        'SELECT error_type, http_status FROM llm_calls WHERE document_id = $1 ORDER BY started_at',
        [id],
      )
    ).rows.map((row) => [row.error_type, row.http_status]);
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('pauses an exhausted quota (429 throttling_error) with reason quota_exhausted after one provider call', async (t) => {
    t.diagnostic(`LiteLLM proxy answered its liveness probe ${proxy.startupMs} ms after it was started`);
    const doc = await submitWith(['insufficient_quota']);
    const view = await api.waitForStatus(doc.id, 'paused');
    assert.equal(view.pause?.reason, 'quota_exhausted');
    await settle(1500);
    assert.equal(doc.calls().length, 1, 'never retried');
    assert.deepEqual(await ledger(doc.id), [['DocketInsufficientQuota', 429]]);
  });

  it('sends a context overflow (400 litellm.ContextWindowExceededError) to review as input_too_long', async () => {
    const doc = await submitWith(['context_length_exceeded']);
    const view = await api.waitForStatus(doc.id, 'pending_review');
    assert.equal(view.review?.reason, 'input_too_long');
    assert.equal(doc.calls().length, 1);
    assert.deepEqual(await ledger(doc.id), [['DocketContextLengthExceeded', 400]]);
  });

  it('sends a content policy refusal (400 litellm.ContentPolicyViolationError) to review as content_filtered', async () => {
    const doc = await submitWith(['content_policy_violation']);
    const view = await api.waitForStatus(doc.id, 'pending_review');
    assert.equal(view.review?.reason, 'content_filtered');
    assert.equal(doc.calls().length, 1);
  });

  it("waits out a rate limit no sooner than the provider's Retry-After, which survives only in the proxy's message", async () => {
    const doc = await submitWith([{ kind: 'rate_limit', retryAfterMs: 1800 }]);
    await api.waitForStatus(doc.id, 'completed');
    const [first, second, ...rest] = doc.calls();
    assert.ok(first && second);
    assert.equal(rest.length, 0);
    const gap = second.receivedAt - first.receivedAt;
    assert.ok(gap >= 1800, `retried after ${gap} ms, the provider asked for 1800`);
    assert.deepEqual(await ledger(doc.id), [
      ['DocketRateLimited', 429],
      [null, 200],
    ]);
  });

  it("honours the gateway's own cooldown (429 no deployments available, retry-after) without calling the provider", async () => {
    const doc = await submitWith([{ kind: 'rate_limit', retryAfterMs: 200 }], apiFor('docket-cooldown'));
    await api.waitForStatus(doc.id, 'completed', 60_000);
    const [first, second, ...rest] = doc.calls();
    assert.ok(first && second);
    assert.equal(rest.length, 0, 'nothing reached the provider during the cooldown');
    const gap = second.receivedAt - first.receivedAt;
    assert.ok(gap >= COOLDOWN_S * 1000, `the provider was called again after ${gap} ms, inside the cooldown`);
    // Docket's side: the proxy's cooldown answer named a wait, and the next call came no sooner.
    const rows = (
      await env.pool.query<{ error_type: string | null; http_status: number | null; started_at: Date }>(
        'SELECT error_type, http_status, started_at FROM llm_calls WHERE document_id = $1 ORDER BY started_at',
        [doc.id],
      )
    ).rows;
    assert.deepEqual(
      rows.map((row) => [row.error_type, row.http_status]),
      [
        ['DocketRateLimited', 429],
        ['DocketRateLimited', 429],
        [null, 200],
      ],
    );
    const waited = rows[2]!.started_at.getTime() - rows[1]!.started_at.getTime();
    assert.ok(waited >= COOLDOWN_S * 1000, `called the proxy again ${waited} ms after it asked for ${COOLDOWN_S} s`);
  });

  it("pauses on the gateway's budget (429 crossed budget) with reason gateway_budget_exceeded, never waiting it out", async () => {
    const budgetApi = apiFor('docket-budget');
    const spender = await submitWith([], budgetApi);
    await budgetApi.waitForStatus(spender.id, 'completed');
    // The proxy books a call's spend just after answering it.
    await settle(1000);
    const doc = await submitWith([], budgetApi);
    const view = await budgetApi.waitForStatus(doc.id, 'paused');
    assert.equal(view.pause?.reason, 'gateway_budget_exceeded');
    await settle(1500);
    assert.equal(doc.calls().length, 0, 'the gateway refused it before the provider');
    assert.deepEqual(await ledger(doc.id), [['DocketGatewayBudgetExceeded', 429]]);
  });
});

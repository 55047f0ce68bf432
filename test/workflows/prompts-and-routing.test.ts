import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { loadPrompts } from '../../src/llm/prompts.js';
import { documentWorkflowId } from '../../src/shared/names.js';
import { SA } from '../../src/shared/search-attributes.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const TEXT = 'the kubernetes deploy broke the API server and the database';

describe('prompts as code, model routing and canaries', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket({
      env: {
        DOCKET_CASCADE_MODEL: 'gpt-4o',
        DOCKET_LARGE_CONTEXT_MODEL: 'gpt-4.1-mini',
        DOCKET_PROMPT_VERSION: 'classify-v1',
      },
    });
    api = testApi(env);
  });
  after(() => env.stop());

  const calls = async (id: string) =>
    (
      await env.pool.query(
        'SELECT model, prompt_version, prompt_hash, purpose, variant, outcome FROM llm_calls WHERE document_id = $1 ORDER BY id',
        [id],
      )
    ).rows;
  const stored = async (id: string) =>
    (
      await env.pool.query(
        'SELECT model, prompt_version, prompt_hash, variant FROM classifications WHERE document_id = $1',
        [id],
      )
    ).rows[0];

  it('records the prompt version and its content hash with every call and result', async () => {
    await api.submit({ id: 'prompt-1', text: `prompt-1 ${TEXT}` });
    await api.waitForStatus('prompt-1', 'completed');
    const v1 = loadPrompts().get('classify-v1');
    assert.deepEqual(
      (await calls('prompt-1')).map((c) => [c.prompt_version, c.prompt_hash]),
      [['classify-v1', v1.hash]],
    );
    assert.deepEqual(
      [(await stored('prompt-1')).prompt_version, (await stored('prompt-1')).prompt_hash],
      ['classify-v1', v1.hash],
    );
    assert.match(env.sim.requestsMatching('prompt-1 ')[0]?.userText ?? '', /prompt-1/);
  });

  it('keeps a running workflow on the prompt it started with after the default changes', async () => {
    env.sim.addRule({
      match: 'prompt-old',
      faults: [
        { kind: 'low_confidence', confidence: 0.1 },
        { kind: 'low_confidence', confidence: 0.1 },
      ],
    });
    await api.submit({ id: 'prompt-old', text: `prompt-old ${TEXT}` });
    await api.waitForStatus('prompt-old', 'pending_review');

    // A new API configuration: new documents get classify-v2; the waiting workflow keeps classify-v1.
    const v2Config = loadConfig({ ...env.childEnv, DOCKET_PROMPT_VERSION: 'classify-v2' });
    const v2App = createApp({ pool: env.pool, client: env.client, config: v2Config, logger: env.logger });
    const res = await v2App.request('/v1/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'prompt-new', text: `prompt-new ${TEXT}` }),
    });
    assert.equal(res.status, 202);
    await api.waitForStatus('prompt-new', 'completed');
    assert.equal((await stored('prompt-new')).prompt_version, 'classify-v2');

    assert.equal((await api.review('prompt-old', { category: 'technical' })).status, 200);
    assert.equal((await stored('prompt-old')).prompt_version, 'classify-v1');
    assert.ok((await calls('prompt-old')).every((c) => c.prompt_version === 'classify-v1'));
  });

  it('cascades to the stronger model on low confidence: two calls, the stronger model decides', async () => {
    env.sim.addRule({
      match: 'cascade-low',
      model: 'gpt-4o-mini',
      faults: [{ kind: 'low_confidence', confidence: 0.2 }],
    });
    await api.submit({ id: 'cascade-low', text: `cascade-low ${TEXT}` });
    const doc = await api.waitForStatus('cascade-low', 'completed');
    assert.equal(doc.result?.model, 'gpt-4o');
    const described = await env.client.workflow.getHandle(documentWorkflowId('cascade-low')).describe();
    assert.equal(described.typedSearchAttributes.get(SA.model), 'gpt-4o', 'DocketModel shows the model that answered');
    assert.deepEqual(
      (await calls('cascade-low')).map((c) => [c.model, c.purpose]),
      [
        ['gpt-4o-mini', 'classify'],
        ['gpt-4o', 'cascade'],
      ],
    );
  });

  it('cascades on invalid output, and sends to review when the stronger model is unsure too', async () => {
    env.sim.addRule({ match: 'cascade-bad', model: 'gpt-4o-mini', faults: ['invalid_json'] });
    await api.submit({ id: 'cascade-bad', text: `cascade-bad ${TEXT}` });
    await api.waitForStatus('cascade-bad', 'completed');
    assert.deepEqual(
      (await calls('cascade-bad')).map((c) => c.outcome),
      ['invalid_output', 'ok'],
    );

    env.sim.addRule({
      match: 'cascade-unsure',
      faults: [
        { kind: 'low_confidence', confidence: 0.2 },
        { kind: 'low_confidence', confidence: 0.3 },
      ],
    });
    await api.submit({ id: 'cascade-unsure', text: `cascade-unsure ${TEXT}` });
    const view = await api.waitForStatus('cascade-unsure', 'pending_review');
    assert.equal(view.review?.suggestion?.confidence, 0.3);
    assert.equal((await calls('cascade-unsure')).length, 2);
  });

  it('sends a document over the first model’s context to the larger-context model', async () => {
    const text = `large-context ${'the server log shows an error in the deploy pipeline. '.repeat(12_000)}`;
    await api.submit({ id: 'large-context', text });
    const doc = await api.waitForStatus('large-context', 'completed');
    assert.equal(doc.result?.model, 'gpt-4.1-mini');
    assert.deepEqual(
      (await calls('large-context')).map((c) => [c.model, c.purpose]),
      [['gpt-4.1-mini', 'large_context']],
    );
  });

  describe('canary', () => {
    it('splits documents deterministically, reports both variants, and rolls back automatically', async () => {
      const start = await api.call('/v1/canary', {
        method: 'POST',
        token: TEST_TOKENS.admin,
        body: {
          share: 0.5,
          promptVersion: 'classify-v2',
          model: 'gpt-4.1-mini',
          maxParseFailureRate: 0.3,
          minCalls: 3,
        },
      });
      assert.equal(start.status, 201);
      assert.equal(
        (await api.call('/v1/canary', { method: 'POST', token: TEST_TOKENS.admin, body: { share: 0.1, model: 'x' } }))
          .status,
        409,
      );

      // The candidate model fails validation every time: the canary must stop itself.
      env.sim.addRule({ match: 'canary-', model: 'gpt-4.1-mini', faults: ['invalid_json'], repeat: true });
      const ids = Array.from({ length: 16 }, (_, i) => `canary-${i}`);
      for (const id of ids) await api.submit({ id, text: `${id} ${TEXT}` });
      await waitFor(
        async () => (await (await api.call('/v1/canary')).json()) as { canary: { status: string } },
        (r) => r.canary.status === 'rolled_back',
        { timeoutMs: 60_000 },
      );
      const report = (await (await api.call('/v1/canary')).json()) as {
        canary: { reason: string };
        candidate: { calls: number; parseFailure: { rate: number; low: number; high: number } };
        baseline: { calls: number; parseFailure: { rate: number } };
      };
      assert.match(report.canary.reason, /automatic/);
      assert.ok(report.candidate.calls >= 3);
      assert.equal(report.candidate.parseFailure.rate, 1);
      assert.ok(report.candidate.parseFailure.low < 1 && report.candidate.parseFailure.high > 0.999);

      const variants = await env.pool.query(
        `SELECT DISTINCT document_id, variant FROM llm_calls WHERE document_id LIKE 'canary-%'`,
      );
      const byDoc = new Map(variants.rows.map((r) => [r.document_id, r.variant]));
      assert.ok([...byDoc.values()].includes('candidate') && [...byDoc.values()].includes('baseline'));

      // The worker rolled the canary back; the API reads the canary for every submission, so the next document
      // already uses the baseline.
      await api.submit({ id: 'after-rollback', text: `after-rollback ${TEXT}` });
      await api.waitForStatus('after-rollback', 'completed');
      assert.deepEqual(
        (await calls('after-rollback')).map((c) => [c.model, c.variant]),
        [['gpt-4o-mini', null]],
      );
      assert.equal((await api.call('/v1/canary/promote', { method: 'POST', token: TEST_TOKENS.admin })).status, 409);
    });
  });

  it('compares two configurations on the same documents: agreement, cost and latency', async () => {
    const documents = ['the contract clause limits liability', 'quarterly revenue grew', 'the API server crashed'].map(
      (t, i) => ({
        id: `cmp-${i}`,
        text: `cmp-${i} ${t}`,
      }),
    );
    const res = await api.call('/v1/compare', {
      method: 'POST',
      token: TEST_TOKENS.admin,
      body: { documents, a: { promptVersion: 'classify-v1' }, b: { promptVersion: 'classify-v2', model: 'gpt-4o' } },
    });
    assert.equal(res.status, 202);
    const { compareId } = (await res.json()) as { compareId: string };
    type Result = {
      status: string;
      result?: { agreement: number; a: { valid: number; totalCostUsd: number }; b: { model: string } };
    };
    const done = await waitFor(
      async () => (await (await api.call(`/v1/compare/${compareId}`, { token: TEST_TOKENS.admin })).json()) as Result,
      (r) => r.status === 'done',
    );
    assert.equal(done.result?.agreement, 1);
    assert.equal(done.result?.a.valid, 3);
    assert.ok((done.result?.a.totalCostUsd ?? 0) > 0);
    assert.equal(done.result?.b.model, 'gpt-4o');
    assert.equal(env.sim.requestsMatching('cmp-').length, 6);
    const { rows } = await env.pool.query(
      `SELECT count(*)::int AS n FROM classifications WHERE document_id LIKE 'cmp-%'`,
    );
    assert.equal(rows[0].n, 0, 'a comparison stores no results');
  });
});

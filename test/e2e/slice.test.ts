import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { SA } from '../../src/shared/search-attributes.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

describe('the first vertical slice', () => {
  let env: DocketTestEnv;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    env = await startDocket();
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger: env.logger });
  });
  after(() => env.stop());

  const submit = (body: unknown) =>
    app.request('/v1/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = async (id: string) =>
    (await (
      await app.request(`/v1/documents/${id}`, { headers: { authorization: `Bearer ${TEST_TOKENS.submitter}` } })
    ).json()) as {
      status: string;
      result?: { category: string; decidedBy: string; model: string; promptVersion: string };
      calls: number;
      costUsd: number;
    };

  it('classifies a submitted document end to end and shows it through the API and search attributes', async () => {
    const res = await submit({
      id: 'slice-1',
      text: 'The API server crashed after the kubernetes deploy; the database latency doubled.',
    });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { id: 'slice-1', status: 'classifying' });

    const doc = await waitFor(
      () => get('slice-1'),
      (d) => d.status === 'completed',
    );
    assert.equal(doc.result?.category, 'technical');
    assert.equal(doc.result?.decidedBy, 'model');
    assert.equal(doc.result?.model, 'gpt-4o-mini');
    assert.equal(doc.calls, 1);
    assert.ok(doc.costUsd > 0);

    assert.equal(env.sim.requestsMatching('kubernetes deploy').length, 1);
    const { rows } = await env.pool.query('SELECT category, decided_by FROM classifications WHERE document_id = $1', [
      'slice-1',
    ]);
    assert.deepEqual(rows, [{ category: 'technical', decided_by: 'model' }]);
    const calls = await env.pool.query(
      'SELECT outcome, parse_ok, input_tokens > 0 AS has_tokens FROM llm_calls WHERE document_id = $1',
      ['slice-1'],
    );
    assert.deepEqual(calls.rows, [{ outcome: 'ok', parse_ok: true, has_tokens: true }]);

    const handle = env.client.workflow.getHandle('classify-slice-1');
    assert.equal((await handle.result()).status, 'completed');
    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(SA.status), 'completed');
    assert.equal(description.typedSearchAttributes.get(SA.category), 'technical');
    assert.equal(description.typedSearchAttributes.get(SA.model), 'gpt-4o-mini');
  });
});

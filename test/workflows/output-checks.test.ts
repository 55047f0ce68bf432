import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { submitReviewUpdate } from '../../src/shared/messages.js';
import { documentWorkflowId } from '../../src/shared/names.js';
import type { FaultSpec } from '../../src/simulator/index.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';

const TEXT = 'The kubernetes deploy broke the API server and the database.';

/**
 * Each check of the model's answer and of the provider's refusals, through a real worker, Temporal and the simulator,
 * with inputs that only that check rejects: remove the check and its test fails.
 */
describe('checks that only the feature under test catches', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let counter = 0;
  before(async () => {
    env = await startDocket({ env: { DOCKET_SERVER_ERROR_CEILING: '3' } });
    api = testApi(env);
  });
  after(() => env.stop());

  async function submitWith(faults: FaultSpec[]) {
    const marker = `check-${++counter}-${Date.now()}`;
    env.sim.addRule({ match: marker, faults });
    const { id } = await api.submit({ id: marker, text: `${marker} ${TEXT}` });
    return { id, calls: () => env.sim.requestsMatching(marker) };
  }
  const ledger = async (id: string) =>
    (
      await env.pool.query<{ outcome: string; finish_reason: string | null; parse_ok: boolean | null }>(
        'SELECT outcome, finish_reason, parse_ok FROM llm_calls WHERE document_id = $1 ORDER BY started_at',
        [id],
      )
    ).rows;

  it('rejects a placeholder reasoning beside a valid category, twice, and sends it to review', async () => {
    const doc = await submitWith([
      { kind: 'placeholder', category: 'technical' },
      { kind: 'placeholder', category: 'technical' },
    ]);
    const view = await api.waitForStatus(doc.id, 'pending_review');
    assert.equal(view.review?.reason, 'invalid_output');
    assert.equal(doc.calls().length, 2);
    assert.deepEqual(
      (await ledger(doc.id)).map((c) => c.outcome),
      ['invalid_output', 'invalid_output'],
    );
  });

  it('rejects a whole, valid answer cut at the token cap (finish_reason length)', async () => {
    const doc = await submitWith(['length_valid_json', 'length_valid_json']);
    const view = await api.waitForStatus(doc.id, 'pending_review');
    assert.equal(view.review?.reason, 'invalid_output');
    const rows = await ledger(doc.id);
    assert.deepEqual(
      rows.map((c) => [c.outcome, c.finish_reason]),
      [
        ['invalid_output', 'length'],
        ['invalid_output', 'length'],
      ],
    );
  });

  it('sends a 400 content_policy_violation to review after one call', async () => {
    const doc = await submitWith(['content_policy_violation']);
    const view = await api.waitForStatus(doc.id, 'pending_review');
    assert.equal(view.review?.reason, 'content_filtered');
    assert.equal(doc.calls().length, 1);
  });

  it('does not retry a 5xx that says x-should-retry: false', async () => {
    const doc = await submitWith([{ kind: 'server_error', shouldRetry: false }, 'server_error', 'server_error']);
    const view = await api.waitForStatus(doc.id, 'paused');
    assert.ok(view.pause?.reason);
    assert.equal(doc.calls().length, 1, 'one call, never retried');
  });

  it('rejects a review outside the taxonomy through the update as non-retryable', async () => {
    const doc = await submitWith([{ kind: 'low_confidence', confidence: 0.2 }]);
    await api.waitForStatus(doc.id, 'pending_review');
    const handle = env.client.workflow.getHandle(documentWorkflowId(doc.id));
    const err = await handle
      .executeUpdate(submitReviewUpdate, { args: [{ category: 'astrology', reviewer: 'ann' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof WorkflowUpdateFailedError, `rejected with ${String(err)}`);
    assert.ok(err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.type, 'DocketCategoryNotInTaxonomy');
    assert.equal(err.cause.nonRetryable, true);
    assert.equal((await api.get(doc.id)).status, 'pending_review', 'the document still waits for a valid review');
  });
});

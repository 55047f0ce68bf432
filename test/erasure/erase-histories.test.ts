import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { batchWorkflowId, documentWorkflowId } from '../../src/shared/names.js';
import { startTestBatch } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { startErasureEnv, type ErasureEnv } from './erasure-env.js';

describe('erasing a document from comparisons and batches', () => {
  let t: ErasureEnv;
  let env: ErasureEnv['env'];
  let run: ErasureEnv['run'];
  let secret: ErasureEnv['secret'];
  let call: ErasureEnv['call'];
  let status: ErasureEnv['status'];
  let waitForStatus: ErasureEnv['waitForStatus'];
  let erase: ErasureEnv['erase'];
  let rowsHolding: ErasureEnv['rowsHolding'];
  let historyGone: ErasureEnv['historyGone'];
  before(async () => {
    t = await startErasureEnv();
    ({ env, run, secret, call, status, waitForStatus, erase, rowsHolding, historyGone } = t);
  });
  after(() => t.stop());

  it('deletes the comparisons that called the model about it', async () => {
    const id = `erase-compared-${run}`;
    const res = await call('POST', '/v1/compare', {
      documents: [{ id, text: `${id} ${secret('compare')} quarterly revenue grew` }],
      a: { promptVersion: 'classify-v1' },
      b: { promptVersion: 'classify-v2' },
    });
    assert.equal(res.status, 202);
    const { compareId } = (await res.json()) as { compareId: string };
    await waitFor(
      async () => ((await (await call('GET', `/v1/compare/${compareId}`)).json()) as { status: string }).status,
      (s) => s === 'done',
    );
    const erasure = await erase(id);
    assert.ok(
      erasure.deletedHistories.some((h) => h.startsWith(`compare-${compareId}/`)),
      JSON.stringify(erasure.deletedHistories),
    );
    await historyGone(`compare-${compareId}`);
    assert.deepEqual(await rowsHolding(secret('compare')), []);
  });

  it("deletes a finished batch's history that recorded the result, and keeps the batch's other documents", async () => {
    const batchId = `erase-batch-${run}`;
    const [gone, kept] = [`${batchId}-a`, `${batchId}-b`];
    // The other document answers later, so the batch is still open when this one completes and records its result.
    env.sim.addRule({ match: kept, faults: [{ kind: 'server_error', latencyMs: 1000 }] });
    const handle = await startTestBatch(env, batchId, [
      { id: gone, text: `${gone} ${secret('batch')} the kubernetes deploy broke` },
      { id: kept, text: `${kept} the kubernetes deploy broke` },
    ]);
    await handle.result();
    const erasure = await erase(gone);
    assert.equal(erasure.removed.batchMemberships, 1);
    assert.ok(
      erasure.deletedHistories.some((h) => h.startsWith(`${batchWorkflowId(batchId)}/`)),
      JSON.stringify(erasure.deletedHistories),
    );
    await historyGone(batchWorkflowId(batchId));
    assert.equal(await status(kept), 'completed');
    const { rows } = await env.pool.query('SELECT total FROM batches WHERE id = $1', [batchId]);
    assert.deepEqual(rows, [{ total: 1 }], "the batch's total follows its members");
  });

  it('keeps the history of a batch still running, lets the batch finish, and deletes it when erased again', async () => {
    const batchId = `erase-open-batch-${run}`;
    const [gone, waiting] = [`${batchId}-a`, `${batchId}-b`];
    // The other document hangs until it is erased, so the batch stays open after this one completes.
    env.sim.addRule({ match: waiting, faults: ['hang'] });
    const handle = await startTestBatch(env, batchId, [
      { id: gone, text: `${gone} the kubernetes deploy broke` },
      { id: waiting, text: `${waiting} the kubernetes deploy broke` },
    ]);
    await waitForStatus(gone, 'completed');
    const recorded = async () =>
      (await handle.fetchHistory()).events?.some(
        (e) =>
          e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId === documentWorkflowId(gone),
      ) ?? false;
    await waitFor(recorded, (yes) => yes);

    const first = await erase(gone);
    assert.deepEqual(
      first.keptHistories.map((k) => k.workflowId),
      [batchWorkflowId(batchId)],
    );
    assert.equal((await handle.describe()).status.name, 'RUNNING', 'the batch goes on');

    // Erasing the document the batch still waits for tells the batch it has settled: the batch finishes.
    assert.equal((await erase(waiting)).stoppedWorkflow, 'cancelled');
    await waitFor(
      async () => (await handle.describe()).status.name,
      (name) => name === 'COMPLETED',
      { timeoutMs: 60_000 },
    );
    const again = await erase(gone);
    assert.equal(again.outcome, 'already_erased');
    assert.deepEqual(again.keptHistories, []);
    assert.ok(
      again.deletedHistories.some((h) => h.startsWith(`${batchWorkflowId(batchId)}/`)),
      JSON.stringify(again.deletedHistories),
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '../../src/db/pool.js';
import {
  claimDueWorkflowStarts,
  insertWorkflowStart,
  markWorkflowStarted,
  pendingWorkflowStarts,
  releaseWorkflowStart,
} from '../../src/db/workflow-starts.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';

/** The outbox of workflow starts that several workers' reconcilers share. */
describe('the workflow-start outbox', () => {
  let db: TestDatabase;
  let pool: Pool;
  before(async () => {
    db = await startTestDatabase(await defaultDatabaseKind());
    pool = createPool(db.url);
  });
  after(async () => {
    await pool.end();
    await db.close();
  });

  const owe = (workflowId: string, holdMs = 0) =>
    insertWorkflowStart(pool, { workflowId, workflowType: 'classifyDocumentWorkflow', input: { workflowId } }, holdMs);

  it('hands out each due start once per lease, skips held ones, and hands a released one out again', async () => {
    for (let i = 0; i < 20; i++) await owe(`wf-${i}`);
    // The submitter is still making its own attempt at this one.
    await owe('wf-held', 60_000);
    // Recorded twice (a resubmission): still one start, with the first input.
    await insertWorkflowStart(pool, { workflowId: 'wf-0', workflowType: 'other', input: {} }, 0);

    // Two reconcilers' passes.
    const a = await claimDueWorkflowStarts(pool, 15, 60_000);
    const b = await claimDueWorkflowStarts(pool, 15, 60_000);
    const claimed = [...a, ...b].map((s) => s.workflowId);
    assert.equal(new Set(claimed).size, claimed.length, 'a start was claimed twice');
    assert.deepEqual(claimed.sort(), Array.from({ length: 20 }, (_, i) => `wf-${i}`).sort());
    assert.equal([...a, ...b].find((s) => s.workflowId === 'wf-0')?.workflowType, 'classifyDocumentWorkflow');
    assert.deepEqual(await claimDueWorkflowStarts(pool, 100, 60_000), [], 'leased starts were claimed again');

    await releaseWorkflowStart(pool, 'wf-3', 'Temporal did not answer');
    await markWorkflowStarted(pool, 'wf-4');
    await releaseWorkflowStart(pool, 'wf-4');
    const again = await claimDueWorkflowStarts(pool, 100, 60_000);
    assert.deepEqual(
      again.map((s) => [s.workflowId, s.attempts, s.lastError]),
      [['wf-3', 2, 'Temporal did not answer']],
    );
    assert.equal((await pendingWorkflowStarts(pool)).pending, 20);
  });
});

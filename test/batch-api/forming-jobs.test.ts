import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formBatchApiJobs, insertBatchApiRequest } from '../../src/db/batch-api.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';

/** How queued requests become jobs: within requests and bytes per job, and the enqueued-token allowance. */
describe('forming Batch API jobs', () => {
  let db: TestDatabase;
  let pool: Pool;
  before(async () => {
    db = await startTestDatabase(await defaultDatabaseKind());
    pool = createPool(db.url);
  });
  after(async () => {
    await pool?.end();
    await db?.close();
  });

  async function queue(model: string, count: number, bytes = 1_000, tokens = 100): Promise<void> {
    for (let i = 0; i < count; i++) {
      await insertBatchApiRequest(pool, {
        customId: `${model}-doc-${i}:1`,
        documentId: `${model}-doc-${i}`,
        workflowId: `classify-${model}-doc-${i}`,
        model,
        purpose: 'classify',
        promptVersion: 'classify-v3',
        promptHash: 'hash',
        taxonomy: 'default',
        variant: null,
        body: { model, messages: [] },
        estimatedTokens: tokens,
        bytes,
      });
    }
  }
  const limits = (model: string, formationKey: string) => ({
    formationKey,
    model,
    maxRequestsPerJob: 2,
    maxBytesPerJob: 1_000_000,
  });

  it('splits by requests per job, and a retried formation returns the jobs it made', async () => {
    await queue('m-requests', 5);
    const first = await formBatchApiJobs(pool, limits('m-requests', 'f1'));
    assert.deepEqual(
      first.jobs.map((j) => j.requests),
      [2, 2, 1],
    );
    assert.equal(first.remaining, 0);
    const again = await formBatchApiJobs(pool, limits('m-requests', 'f1'));
    assert.deepEqual(again.jobs, first.jobs);
  });

  it('splits by bytes per job', async () => {
    await queue('m-bytes', 3, 600);
    const formed = await formBatchApiJobs(pool, {
      ...limits('m-bytes', 'f2'),
      maxRequestsPerJob: 10,
      maxBytesPerJob: 1_000,
    });
    assert.deepEqual(
      formed.jobs.map((j) => j.requests),
      [1, 1, 1],
    );
  });

  it('leaves what exceeds the enqueued-token allowance queued, but never a lone request forever', async () => {
    await queue('m-tokens', 3, 100, 100);
    const some = await formBatchApiJobs(pool, {
      ...limits('m-tokens', 'f3'),
      maxRequestsPerJob: 10,
      tokenAllowance: 250,
    });
    assert.deepEqual(
      some.jobs.map((j) => j.requests),
      [2],
    );
    assert.deepEqual([some.remaining, some.remainingTokens], [1, 100]);
    const none = await formBatchApiJobs(pool, { ...limits('m-tokens', 'f4'), tokenAllowance: 50 });
    assert.equal(none.jobs.length, 0, 'over the allowance while another job is enqueued: it waits');
    const alone = await formBatchApiJobs(pool, {
      ...limits('m-tokens', 'f5'),
      tokenAllowance: 50,
      nothingEnqueued: true,
    });
    assert.deepEqual(
      alone.jobs.map((j) => j.requests),
      [1],
    );
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { documentWorkflowId, RETENTION_SCHEDULE_ID, TASK_QUEUE, WORKFLOW_TYPES } from '../../src/shared/names.js';
import type { RetentionInput, RetentionResult } from '../../src/workflows/retention.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { replayOptions, startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

describe('retention', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  const run = randomUUID().slice(0, 8);

  before(async () => {
    env = await startDocket({ worker: false, env: { DOCKET_SAMPLE_RATE: '1' } });
    api = testApi(env);
  });
  after(() => env.stop());

  /** Classified documents; the first `old` of them are made to look `days` old, with their samples. */
  async function documents(prefix: string, count: number, old: number, days = 40): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${run}-${i}`);
    for (const id of ids) await api.submit({ id, text: `${id} the kubernetes deploy broke` });
    for (const id of ids) await api.waitForStatus(id, 'completed');
    const aged = ids.slice(0, old);
    await env.pool.query(`UPDATE documents SET created_at = now() - make_interval(days => $2) WHERE id = ANY($1)`, [
      aged,
      days,
    ]);
    await env.pool.query(
      `UPDATE samples SET created_at = now() - make_interval(days => $2) WHERE document_id = ANY($1)`,
      [aged, days],
    );
    return ids;
  }
  const stored = async (ids: string[]) =>
    (await env.pool.query<{ id: string }>('SELECT id FROM documents WHERE id = ANY($1) ORDER BY id', [ids])).rows.map(
      (r) => r.id,
    );
  const historyGone = (workflowId: string) =>
    waitFor(
      async () => {
        try {
          await env.client.workflow.getHandle(workflowId).describe();
          return false;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return true;
          throw err;
        }
      },
      (gone) => gone,
      { timeoutMs: 150_000, intervalMs: 500 },
    );

  /** Runs `fn` with one worker (one at a time: a worker per task queue and connection). */
  async function withWorker<T>(overrides: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const worker = await env.startWorker(overrides);
    try {
      return await fn();
    } finally {
      worker.shutdown();
      await worker.done;
    }
  }

  /**
   * Every run of a purge replays deterministically on today's code; with DOCKET_RECORD_HISTORIES=dir they are also
   * written there as fixtures for test/workflows/replay-fixtures.test.ts.
   */
  async function replayRuns(workflowId: string, runs: number): Promise<void> {
    const listed = () => env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` });
    await waitFor(
      async () => {
        let n = 0;
        for await (const wf of listed()) if (wf.status.name !== 'RUNNING') n++;
        return n;
      },
      (n) => n >= runs,
    );
    let replayed = 0;
    for await (const r of Worker.runReplayHistories(await replayOptions(env.config), listed().intoHistories())) {
      assert.equal(r.error, undefined, `replay of ${r.workflowId} failed: ${String(r.error)}`);
      replayed++;
    }
    assert.equal(replayed, runs);
    const dir = process.env.DOCKET_RECORD_HISTORIES;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    let i = 0;
    for await (const wf of listed()) {
      const history = await env.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      writeFileSync(
        join(dir, `retention-run-${++i}.binpb`),
        proto.temporal.api.history.v1.History.encode(history).finish(),
      );
    }
  }

  it('the worker creates the docket-retention Schedule, updates it, and removes it when unset', async () => {
    const schedule = env.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
    await withWorker({ DOCKET_RETENTION_DAYS: '30' }, async () => {
      const described = await schedule.describe();
      assert.equal(described.action.type, 'startWorkflow');
      assert.equal(described.action.workflowType, WORKFLOW_TYPES.retention);
      assert.equal(described.action.taskQueue, TASK_QUEUE);
      assert.deepEqual(described.action.args, [{ retentionDays: 30 }]);
      assert.equal(described.spec.intervals?.[0]?.every, 3_600_000);
    });
    // A worker started with another setting: the same schedule, updated (never a second one, never an error).
    await withWorker({ DOCKET_RETENTION_DAYS: '7' }, async () => {
      assert.deepEqual((await schedule.describe()).action.args, [{ retentionDays: 7 }]);
    });
    await withWorker({}, async () => {
      await assert.rejects(schedule.describe(), ScheduleNotFoundError);
    });
  });

  it('purges only what is older than the cutoff, page by page over several runs', async () => {
    await withWorker({}, async () => {
      const ids = await documents('purge', 5, 3);
      // A sample older than the cutoff whose document is kept: samples have a retention of their own.
      await env.pool.query(`UPDATE samples SET created_at = now() - interval '40 days' WHERE document_id = $1`, [
        ids[4],
      ]);
      const input: RetentionInput = { retentionDays: 30, pageSize: 2, pagesPerRun: 1 };
      const result = await env.client.workflow.execute<(input: RetentionInput) => Promise<RetentionResult>>(
        WORKFLOW_TYPES.retention,
        { workflowId: `retention-${run}`, taskQueue: TASK_QUEUE, args: [input] },
      );
      assert.equal(result.totals.documentsErased, 3);
      assert.equal(result.totals.samplesDeleted, 1);
      assert.ok(result.totals.pages >= 3, `pages: ${result.totals.pages}`);
      assert.ok(result.totals.runs >= 2, `continued as new: ${result.totals.runs} runs`);
      await replayRuns(`retention-${run}`, result.totals.runs);
      assert.deepEqual(await stored(ids), ids.slice(3));
      const { rows } = await env.pool.query(
        `SELECT document_id, reason, erased_by FROM erasures WHERE document_id = ANY($1) ORDER BY document_id`,
        [ids],
      );
      assert.deepEqual(
        rows,
        ids.slice(0, 3).map((id) => ({ document_id: id, reason: 'retention', erased_by: 'retention' })),
      );
      for (const id of ids.slice(0, 3)) await historyGone(documentWorkflowId(id));
      assert.equal((await api.get(ids[3]!)).status, 'completed', 'a recent document keeps its result');
      const samples = await env.pool.query('SELECT document_id FROM samples WHERE document_id = ANY($1)', [ids]);
      assert.deepEqual(
        samples.rows.map((r) => r.document_id),
        [ids[3]],
      );
    });
  });

  it('runs from its Schedule', async () => {
    await withWorker({ DOCKET_RETENTION_DAYS: '30' }, async () => {
      const ids = await documents('scheduled', 2, 1);
      await env.client.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger();
      await waitFor(
        () => stored(ids),
        (left) => left.length === 1,
        { timeoutMs: 60_000 },
      );
      assert.deepEqual(await stored(ids), [ids[1]]);
      const { info } = await env.client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
      assert.ok(info.numActionsTaken >= 1, 'the schedule records its run');
    });
  });
});

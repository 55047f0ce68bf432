import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { ClassifyBatchInput, ClassifyBatchResult } from '../../src/shared/workflow-types.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, replayOptions, startTestBatch, type DocketTestEnv } from '../helpers/docket.js';

type History = proto.temporal.api.history.v1.IHistory;
const { EventType } = proto.temporal.api.enums.v1;

/**
 * Histories of `classifyBatchWorkflow` recorded at dbf1da8, before the 'batch-parallel-starts' patch, when it started
 * one child per workflow task: the three runs of a batch of ten (window 3, four children per run) with a document
 * already classified and one whose workflow id was taken. Never re-record them: they stand for runs in production.
 * Replay compares which children start, in what order; a start merely moved to another workflow task passes it.
 */
const SEQUENTIAL_FIXTURES = 'test/fixtures/histories';

/** The most children a single workflow task of this history started. */
function mostStartsInOneTask(history: History): number {
  let most = 0;
  let inTask = 0;
  for (const event of history.events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) inTask = 0;
    if (event.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
      inTask++;
      most = Math.max(most, inTask);
    }
  }
  return most;
}

const text = (id: string) => `${id} the contract clause limits liability`;

describe('a batch starting its children in groups', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  before(async () => {
    env = await startDocket({ simulator: { latencyMs: { min: 40, max: 80 } } });
    api = testApi(env);
  });
  after(() => env.stop());

  const runBatch = (batchId: string, ids: string[], options: Partial<ClassifyBatchInput> = {}) =>
    startTestBatch(
      env,
      batchId,
      ids.map((id) => ({ id, text: text(id) })),
      options,
    );

  /** The history of every run of the batch, first to last, following continue-as-new. */
  async function runHistories(handle: WorkflowHandleWithFirstExecutionRunId): Promise<History[]> {
    const histories: History[] = [];
    let runId: string | null | undefined = handle.firstExecutionRunId;
    while (runId) {
      const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      histories.push(history);
      runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    }
    return histories;
  }

  async function assertClassifiedOnce(prefix: string, ids: string[]): Promise<void> {
    assert.equal(env.sim.requestsMatching(prefix).length, ids.length, 'one LLM request per document');
    const { rows } = await env.pool.query(
      `SELECT count(*)::int AS rows, count(DISTINCT document_id)::int AS documents
       FROM classifications WHERE document_id LIKE $1`,
      [`${prefix}%`],
    );
    assert.deepEqual(rows[0], { rows: ids.length, documents: ids.length });
    for (const id of ids) assert.equal((await api.get(id)).status, 'completed', id);
  }

  it('starts as many children as the window has room for in one workflow task, each document once', async () => {
    const ids = Array.from({ length: 16 }, (_, i) => `grp1-doc-${i}`);
    const handle = await runBatch('grp1', ids, { window: 4 });
    const result = (await handle.result()) as ClassifyBatchResult;
    assert.equal(result.progress.done, true);
    assert.equal(result.progress.started, 16);
    assert.deepEqual(result.progress.settled, { completed: 16 });
    await assertClassifiedOnce('grp1-doc-', ids);

    const histories = await runHistories(handle);
    assert.equal(histories.length, 1);
    const events = histories[0]!.events ?? [];
    assert.ok(
      events.some((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED),
      'the patch is recorded',
    );
    // The first group fills the empty window at once; no task ever starts more than the window.
    assert.equal(mostStartsInOneTask(histories[0]!), 4);
    for (const history of histories) await Worker.runReplayHistory(await replayOptions(env.config), history);
  });

  it('bounds a group by the children left in the run, and continues as new at the cap', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `grp2-doc-${i}`);
    const handle = await runBatch('grp2', ids, { window: 4, childrenPerRun: 3 });
    const result = (await handle.result()) as ClassifyBatchResult;
    assert.equal(result.progress.started, 10);
    assert.deepEqual(result.progress.settled, { completed: 10 });
    assert.equal(result.progress.runs, 4);
    await assertClassifiedOnce('grp2-doc-', ids);

    const histories = await runHistories(handle);
    assert.equal(histories.length, 4);
    assert.equal(mostStartsInOneTask(histories[0]!), 3);
    for (const history of histories) {
      assert.ok(mostStartsInOneTask(history) <= 3);
      await Worker.runReplayHistory(await replayOptions(env.config), history);
    }
  });

  it('counts a classified document, a taken workflow id and a repeated document as skipped without blocking', async () => {
    env.sim.addRule({ match: 'grp3-doc-5 ', faults: [{ kind: 'low_confidence', confidence: 0.2 }] });
    // grp3-doc-3 is classified before the batch reaches it; grp3-doc-5 waits for a person, so its id is taken.
    await api.submit({ id: 'grp3-doc-3', text: text('grp3-doc-3') });
    await api.submit({ id: 'grp3-doc-5', text: text('grp3-doc-5') });
    await api.waitForStatus('grp3-doc-3', 'completed');
    await api.waitForStatus('grp3-doc-5', 'pending_review');

    const ids = Array.from({ length: 8 }, (_, i) => `grp3-doc-${i}`);
    // grp3-doc-1 twice in a row: both starts go out in the first group, and the second is refused.
    const positions = [ids[0]!, ids[1]!, ids[1]!, ...ids.slice(2)];
    const handle = await runBatch('grp3', positions, { window: 4 });
    const result = (await handle.result()) as ClassifyBatchResult;
    assert.equal(result.progress.done, true);
    assert.equal(result.progress.cursor, positions.length - 1);
    assert.equal(result.progress.started, 6);
    assert.equal(result.progress.skipped, 3);
    assert.deepEqual(result.progress.settled, { completed: 6 });

    assert.equal(env.sim.requestsMatching('grp3-doc-').length, 8, 'one LLM request per distinct document');
    const classified = ids.filter((id) => id !== 'grp3-doc-5');
    const { rows } = await env.pool.query(
      `SELECT count(*)::int AS rows, count(DISTINCT document_id)::int AS documents
       FROM classifications WHERE document_id LIKE 'grp3-doc-%'`,
    );
    assert.deepEqual(rows[0], { rows: classified.length, documents: classified.length });
    for (const id of classified) assert.equal((await api.get(id)).status, 'completed', id);
    assert.equal((await api.get('grp3-doc-5')).status, 'pending_review');

    const [history] = await runHistories(handle);
    assert.equal(mostStartsInOneTask(history!), 4);
    await Worker.runReplayHistory(await replayOptions(env.config), history!);
  });
});

describe('batch histories recorded before grouped starts', () => {
  const files = readdirSync(SEQUENTIAL_FIXTURES).filter(
    (f) => f.startsWith('batch-sequential-') && f.endsWith('.binpb'),
  );

  // test/workflows/replay-fixtures.test.ts replays them with every other recorded history.
  it('cover a whole batch, one child per workflow task', () => {
    assert.equal(files.length, 3);
    for (const file of files) {
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(join(SEQUENTIAL_FIXTURES, file)));
      assert.equal(mostStartsInOneTask(history), 1, file);
    }
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/docket.js';

type History = proto.temporal.api.history.v1.IHistory;
const { EventType } = proto.temporal.api.enums.v1;

/**
 * Histories of `classifyBatchWorkflow` recorded at dbf1da8, before the 'batch-parallel-starts' patch, when it started
 * one child per workflow task: the three runs of a batch of ten (window 3, four children per run) with a document
 * already classified and one whose workflow id was taken. Never re-record them: they stand for runs in production.
 * Replay compares which children start, in what order; a start merely moved to another workflow task passes it.
 */
const SEQUENTIAL_FIXTURES = 'test/workflows/fixtures';

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

describe('batch histories recorded before grouped starts', () => {
  const files = readdirSync(SEQUENTIAL_FIXTURES).filter(
    (f) => f.startsWith('batch-sequential-') && f.endsWith('.binpb'),
  );

  it('cover a whole batch, one child per workflow task', () => {
    assert.equal(files.length, 3);
    for (const file of files) {
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(join(SEQUENTIAL_FIXTURES, file)));
      assert.equal(mostStartsInOneTask(history), 1, file);
    }
  });

  for (const file of files) {
    it(`replay on the sequential path: ${file}`, async () => {
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(join(SEQUENTIAL_FIXTURES, file)));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    });
  }
});

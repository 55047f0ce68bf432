import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { documentWorkflowId } from '../../src/shared/names.js';
import { replayOptions, type DocketTestEnv } from './docket.js';

/** Replays every document workflow of the test server on today's workflow bundle; fails on the first divergence. */
export async function replayAll(env: DocketTestEnv): Promise<void> {
  const histories = env.client.workflow.list({ query: `WorkflowType = 'classifyDocumentWorkflow'` }).intoHistories();
  for await (const r of Worker.runReplayHistories(await replayOptions(env.config), histories)) {
    assert.equal(r.error, undefined, `replay of ${r.workflowId} failed: ${String(r.error)}`);
  }
}

/**
 * Writes the history of a document's workflow as a fixture of the replay test (`DOCKET_RECORD_HISTORIES=dir`), in
 * binary protobuf, which reads back exactly.
 */
export async function recordHistory(env: DocketTestEnv, documentId: string, name: string): Promise<void> {
  const dir = process.env.DOCKET_RECORD_HISTORIES;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const history = await env.client.workflow.getHandle(documentWorkflowId(documentId)).fetchHistory();
  writeFileSync(join(dir, `${name}.binpb`), proto.temporal.api.history.v1.History.encode(history).finish());
}

import { isGrpcServiceError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Pool } from '../db/pool.js';
import {
  documentLedger,
  eraseDocumentRows,
  getDocument,
  getErasure,
  type ErasedRows,
  type ErasureReason,
} from '../db/queries.js';
import type { Logger } from '../logger.js';
import { documentSettledSignal } from '../shared/messages.js';
import { batchWorkflowId, documentIdOfWorkflow, documentWorkflowId } from '../shared/names.js';
import { SA } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { Erasure } from './schemas.js';

export interface EraseDeps {
  pool: Pool;
  client: Client;
  logger: Logger;
}

export interface EraseOptions {
  /** Why: an erasure request (`DELETE /v1/documents/:id`, `docket erase`) or the retention purge. */
  reason: ErasureReason;
  /** Who asked: the admin token's name, or `retention`. Recorded with the erasure. */
  erasedBy: string;
  /**
   * Milliseconds a running workflow has to finish its cancellation before it is terminated (a worker may be down).
   * @default 10000
   */
  cancelTimeoutMs?: number;
}

/** A history left in place, and why: it holds the document's result but belongs to a batch still running. */
export type KeptHistory = Erasure['keptHistories'][number];

/** The gRPC status of a missing workflow. */
const GRPC_NOT_FOUND = 5;
const POLL_MS = 200;

/**
 * Erases a document: stops its workflow (cancel, then terminate if it does not close in time), deletes its text,
 * metadata, result, samples and batch memberships, records the erasure, and deletes from Temporal every run of its
 * workflow, of the comparisons that called the LLM about it, and of its batches' finished runs that recorded its
 * result. Resolves to undefined for an id that was never stored nor erased.
 */
export async function eraseDocument(deps: EraseDeps, id: string, options: EraseOptions): Promise<Erasure | undefined> {
  const [document, earlier] = await Promise.all([getDocument(deps.pool, id), getErasure(deps.pool, id)]);
  const workflow = deps.client.workflow.getHandle(documentWorkflowId(id));
  if (!document && !earlier && !(await workflowExists(workflow))) return undefined;

  const stoppedWorkflow = await stopWorkflow(deps.client, workflow, options.cancelTimeoutMs ?? 10_000);
  const rows = await eraseDocumentRows(deps.pool, id, { reason: options.reason, erasedBy: options.erasedBy });
  const ledger = await documentLedger(deps.pool, id);
  const histories = await deleteHistories(deps.client, id, ledger.workflowIds, rows.erasure.batchIds);
  const result = toResult(id, rows, stoppedWorkflow, histories, ledger.calls);
  // Ids and counts only: the document's text never reaches the logs.
  deps.logger.info(
    {
      documentId: id,
      outcome: result.outcome,
      reason: options.reason,
      by: options.erasedBy,
      stoppedWorkflow,
      deletedHistories: result.deletedHistories.length,
      keptHistories: result.keptHistories.length,
    },
    'document erased',
  );
  return result;
}

function toResult(
  id: string,
  rows: ErasedRows,
  stoppedWorkflow: Erasure['stoppedWorkflow'],
  histories: { deleted: string[]; kept: KeptHistory[] },
  ledgerCallsKept: number,
): Erasure {
  const { erasure, ...removed } = rows;
  return {
    id,
    outcome: removed.documents > 0 ? 'erased' : 'already_erased',
    erasedAt: erasure.erasedAt.toISOString(),
    stoppedWorkflow,
    removed,
    deletedHistories: histories.deleted,
    keptHistories: histories.kept,
    ledgerCallsKept,
  };
}

async function workflowExists(handle: WorkflowHandle): Promise<boolean> {
  try {
    await handle.describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** The workflow's batch when it is running (undefined for none), or false when it is not running. */
async function runningIn(handle: WorkflowHandle): Promise<{ batchId?: string } | false> {
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return false;
    const batchId = description.typedSearchAttributes.get(SA.batchId);
    return batchId ? { batchId } : {};
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * Cancels a running workflow so that its LLM call in flight is aborted and nothing more is written, and waits for
 * it to close; terminates it when it does not close in time. A batch waiting for the document is told it has
 * settled, so that its window does not keep a place for it.
 */
async function stopWorkflow(
  client: Client,
  handle: WorkflowHandle,
  timeoutMs: number,
): Promise<Erasure['stoppedWorkflow']> {
  const running = await runningIn(handle);
  if (!running) return 'none';
  await handle.cancel();
  let stopped: Erasure['stoppedWorkflow'] = 'terminated';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await runningIn(handle))) {
      stopped = 'cancelled';
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (stopped === 'terminated') {
    try {
      await handle.terminate('erased: the cancellation did not complete in time');
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  if (running.batchId) await settleInBatch(client, handle.workflowId, running.batchId);
  return stopped;
}

/** Signals the batch that the stopped document has settled, unless the document's workflow already did. */
async function settleInBatch(client: Client, workflowId: string, batchId: string): Promise<void> {
  const batch = batchWorkflowId(batchId);
  const signalled = await historyHas(
    client,
    workflowId,
    undefined,
    (event) => event.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId === batch,
  );
  if (signalled) return;
  try {
    await client.workflow.getHandle(batch).signal(documentSettledSignal, {
      documentId: documentIdOfWorkflow(workflowId),
      status: DOCUMENT_STATUS.failed,
    });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/**
 * Deletes the histories that hold anything about the document: every run of its own workflow and of the
 * comparisons in its ledger, and the finished batch runs whose history recorded its result (a child's completion
 * event carries the child's result). A batch run still going is kept: deleting it would stop the other documents.
 */
async function deleteHistories(
  client: Client,
  documentId: string,
  ledgerWorkflowIds: string[],
  batchIds: string[],
): Promise<{ deleted: string[]; kept: KeptHistory[] }> {
  const deleted: string[] = [];
  const kept: KeptHistory[] = [];
  const own = new Set([documentWorkflowId(documentId), ...ledgerWorkflowIds]);
  for (const workflowId of own) {
    for (const run of await listRuns(client, workflowId)) {
      if (await deleteRun(client, workflowId, run.runId)) deleted.push(`${workflowId}/${run.runId}`);
    }
  }
  for (const batchId of batchIds) {
    const workflowId = batchWorkflowId(batchId);
    for (const run of await listRuns(client, workflowId)) {
      const child = documentWorkflowId(documentId);
      const recorded = await historyHas(
        client,
        workflowId,
        run.runId,
        (event) => event.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId === child,
      );
      if (!recorded) continue;
      if (run.running) {
        kept.push({ workflowId, runId: run.runId, reason: 'the batch is still running; erase again once it ends' });
      } else if (await deleteRun(client, workflowId, run.runId)) {
        deleted.push(`${workflowId}/${run.runId}`);
      }
    }
  }
  return { deleted, kept };
}

/** Every run of a workflow id that Temporal still holds, from visibility and (for the newest) from describe. */
async function listRuns(client: Client, workflowId: string): Promise<{ runId: string; running: boolean }[]> {
  const runs = new Map<string, boolean>();
  const escaped = workflowId.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${escaped}'` })) {
    runs.set(wf.runId, wf.status.name === 'RUNNING');
  }
  try {
    // Visibility may lag behind a run that has just started or closed.
    const latest = await client.workflow.getHandle(workflowId).describe();
    runs.set(latest.runId, latest.status.name === 'RUNNING');
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  return [...runs].map(([runId, running]) => ({ runId, running }));
}

async function deleteRun(client: Client, workflowId: string, runId: string): Promise<boolean> {
  try {
    await client.workflowService.deleteWorkflowExecution({
      namespace: client.options.namespace,
      workflowExecution: { workflowId, runId },
    });
    return true;
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return false;
    throw err;
  }
}

type HistoryEvent = NonNullable<
  NonNullable<Awaited<ReturnType<Client['workflowService']['getWorkflowExecutionHistory']>>['history']>['events']
>[number];

/** Whether a run's history (the latest run without `runId`) holds an event that `match`es; false once deleted. */
async function historyHas(
  client: Client,
  workflowId: string,
  runId: string | undefined,
  match: (event: HistoryEvent) => boolean,
): Promise<boolean> {
  let nextPageToken: Uint8Array | undefined;
  do {
    let page;
    try {
      page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId, ...(runId ? { runId } : {}) },
        maximumPageSize: 1000,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return false;
      throw err;
    }
    if (page.history?.events?.some(match)) return true;
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return false;
}

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Priority, SearchAttributePair } from '@temporalio/common';
import type { Pool } from '../db/pool.js';
import { markWorkflowStarted, releaseWorkflowStart, type WorkflowStart } from '../db/workflow-starts.js';
import { batchWorkflowId, documentWorkflowId, TASK_QUEUE, WORKFLOW_TYPES } from '../shared/names.js';
import { TASK_PRIORITY } from '../shared/priority.js';
import { SA } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { ClassifyBatchInput, ClassifyDocumentInput } from '../shared/workflow-types.js';

/** The start a document submitted on its own is owed. */
export function documentStart(input: ClassifyDocumentInput): WorkflowStart {
  return {
    workflowId: documentWorkflowId(input.documentId),
    workflowType: WORKFLOW_TYPES.classifyDocument,
    input,
    documentId: input.documentId,
  };
}

/** The start a batch is owed: one `classifyBatchWorkflow`, which starts its documents' children itself. */
export function batchStart(input: ClassifyBatchInput): WorkflowStart {
  return {
    workflowId: batchWorkflowId(input.batchId),
    workflowType: WORKFLOW_TYPES.classifyBatch,
    input,
    batchId: input.batchId,
  };
}

function searchAttributes(start: WorkflowStart): SearchAttributePair[] {
  if (start.workflowType === WORKFLOW_TYPES.classifyBatch) {
    const batch = start.input as ClassifyBatchInput;
    return [
      { key: SA.batchId, value: batch.batchId },
      ...(batch.document.mode ? [{ key: SA.mode, value: batch.document.mode }] : []),
    ];
  }
  const input = start.input as ClassifyDocumentInput;
  return [
    { key: SA.status, value: DOCUMENT_STATUS.classifying },
    { key: SA.model, value: input.model },
    { key: SA.promptVersion, value: input.promptVersion },
    ...(input.batchId ? [{ key: SA.batchId, value: input.batchId }] : []),
    ...(input.mode ? [{ key: SA.mode, value: input.mode }] : []),
  ];
}

/**
 * The lane of a start (issue 18): a document on its own goes ahead of batch work; a batch's documents share the batch
 * lane fairly with other batches. Children and activities inherit it, so this is the only place a document's or a
 * batch's lane is set (a comparison, started on its own, sets its own).
 */
function startPriority(start: WorkflowStart): Priority {
  if (start.workflowType === WORKFLOW_TYPES.classifyBatch) {
    return { priorityKey: TASK_PRIORITY.batch, fairnessKey: (start.input as ClassifyBatchInput).batchId };
  }
  return { priorityKey: TASK_PRIORITY.interactive };
}

export interface StartDeps {
  pool: Pool;
  client: Client;
}

/** How an owed start went: the workflow exists now, or the start stays owed (Temporal did not accept it). */
export type StartOutcome = { started: true } | { started: false; error: string };

/**
 * Starts an owed workflow within `timeoutMs` and records the outcome in the outbox. Idempotent: the workflow id is
 * the business id and reuse is refused, so "already started" means the work exists and counts as success. Never
 * throws for Temporal being unavailable: the start stays owed and the reconciler tries again.
 */
export async function startOwedWorkflow(
  deps: StartDeps,
  start: WorkflowStart,
  timeoutMs: number,
): Promise<StartOutcome> {
  try {
    const started = deps.client.withDeadline(Date.now() + timeoutMs, () =>
      deps.client.workflow.start(start.workflowType, {
        workflowId: start.workflowId,
        taskQueue: TASK_QUEUE,
        args: [start.input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: searchAttributes(start),
        priority: startPriority(start),
      }),
    );
    // A worker's native connection applies the deadline to each retry, not to all of them: bound the wait here too.
    // A start that lands after we gave up is found by the next attempt as already started.
    await withTimeout(started, timeoutMs + 250);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      const error = err instanceof Error ? err.message : String(err);
      await releaseWorkflowStart(deps.pool, start.workflowId, error);
      return { started: false, error };
    }
  }
  await markWorkflowStarted(deps.pool, start.workflowId);
  return { started: true };
}

/** Rejects when `promise` has not settled within `ms`; the promise itself runs on, its outcome ignored. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Temporal did not answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

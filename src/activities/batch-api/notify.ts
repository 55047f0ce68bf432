import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import pLimit from 'p-limit';
import {
  batchApiNoticeSignal,
  batchApiQueuedSignal,
  batchApiQueueWorkflowId,
  type BatchApiNotice,
  type BatchApiQueued,
  type BatchApiQueueInput,
} from '../../shared/batch-api.js';
import { TASK_QUEUE, WORKFLOW_TYPES } from '../../shared/names.js';

/** Signals sent at once while telling a job's documents. */
const NOTICE_CONCURRENCY = 16;

/**
 * Tells each document what became of its request. A document that no longer runs (erased, terminated) has nothing to
 * hear: skipped. Sent again after a retry, a notice is ignored by a document that already had it.
 */
export async function noticeDocuments(
  client: Client,
  notices: readonly { workflowId: string; notice: BatchApiNotice }[],
  onProgress: (sent: number) => void,
): Promise<void> {
  const limit = pLimit(NOTICE_CONCURRENCY);
  let sent = 0;
  await Promise.all(
    notices.map(({ workflowId, notice }) =>
      limit(async () => {
        try {
          await client.workflow.getHandle(workflowId).signal(batchApiNoticeSignal, notice);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
        if (++sent % 500 === 0) onProgress(sent);
      }),
    ),
  );
}

/** Tells the model's queue (starting it when none runs) that requests are queued again or tokens were released. */
export async function tellQueue(client: Client, queue: BatchApiQueueInput, queued: BatchApiQueued): Promise<void> {
  await client.workflow.signalWithStart(WORKFLOW_TYPES.batchApiQueue, {
    workflowId: batchApiQueueWorkflowId(queue.model),
    taskQueue: TASK_QUEUE,
    args: [queue],
    signal: batchApiQueuedSignal,
    signalArgs: [queued],
  });
}

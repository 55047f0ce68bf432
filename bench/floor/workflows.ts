/**
 * The floor: a minimal workflow of Docket's current shape and none of its code, so that the benchmark can say how far
 * Docket is from what the engine allows on the same server. The shapes mirror `classifyBatchWorkflow` and
 * `classifyDocumentWorkflow` on their happy path (issue 18):
 * - a batch parent pages document ids with an activity and starts children through a sliding window, each group of
 *   starts in one workflow task, continuing as new after 500 children; children report to it by signal;
 * - a child upserts search attributes three times (its settings, `classifying`, `completed`), calls one activity on
 *   the LLM task queue and one on the workflow task queue, signals the parent and waits for that signal to go out.
 */
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { SA } from '../../src/shared/search-attributes.js';
import type { FloorActivities, FloorLlmActivities } from './activities.js';
import { floorBatchWorkflowId } from './names.js';

/** Where a floor batch stands. `started` and `settled` carry over continue-as-new. */
export interface FloorProgress {
  cursor: number;
  started: number;
  settled: number;
  runs: number;
  done: boolean;
}

export interface FloorBatchInput {
  batchId: string;
  total: number;
  /** Children in flight at most (Docket: DOCKET_BATCH_WINDOW). */
  window: number;
  /** The children's activity queues. */
  taskQueue: string;
  llmTaskQueue: string;
  progress?: FloorProgress;
}

export interface FloorDocumentInput {
  documentId: string;
  batchId: string;
  llmTaskQueue: string;
}

export const floorSettledSignal = defineSignal<[{ documentId: string }]>('floorSettled');
export const floorProgressQuery = defineQuery<FloorProgress>('floorProgress');

/** Docket's figures (src/workflows/classify-batch.ts). */
const CHILDREN_PER_RUN = 500;
const PAGE_SIZE = 100;
const MODEL = 'floor-model';

const { listFloorDocuments, storeFloorResult } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** The batch parent: a sliding window of `floorDocumentWorkflow` children. */
export async function floorBatchWorkflow(input: FloorBatchInput): Promise<FloorProgress> {
  const progress: FloorProgress = input.progress ?? { cursor: -1, started: 0, settled: 0, runs: 0, done: false };
  progress.runs++;
  const inFlight = () => progress.started - progress.settled;
  setHandler(floorProgressQuery, () => progress);
  setHandler(floorSettledSignal, () => {
    progress.settled++;
  });
  upsertSearchAttributes([
    { key: SA.batchId, value: input.batchId },
    { key: SA.status, value: 'classifying' },
  ]);
  const startDocument = (documentId: string) =>
    startChild(floorDocumentWorkflow, {
      workflowId: `floor-${documentId}`,
      taskQueue: workflowInfo().taskQueue,
      args: [{ documentId, batchId: input.batchId, llmTaskQueue: input.llmTaskQueue }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: SA.status, value: 'classifying' },
        { key: SA.batchId, value: input.batchId },
        { key: SA.model, value: MODEL },
        { key: SA.promptVersion, value: 'v1' },
      ],
    });
  let startedThisRun = 0;
  for (;;) {
    const { items } = await listFloorDocuments({
      batchId: input.batchId,
      total: input.total,
      afterPosition: progress.cursor,
      limit: PAGE_SIZE,
    });
    if (items.length === 0) break;
    let next = 0;
    while (next < items.length) {
      await condition(() => inFlight() < input.window);
      const room = Math.max(1, Math.min(input.window - inFlight(), CHILDREN_PER_RUN - startedThisRun));
      const group = items.slice(next, next + room);
      next += group.length;
      const starts = await Promise.allSettled(group.map((item) => startDocument(item.id)));
      starts.forEach((start, i) => {
        if (start.status === 'fulfilled') progress.started++;
        progress.cursor = group[i]!.position;
        startedThisRun++;
      });
      if (startedThisRun >= CHILDREN_PER_RUN || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof floorBatchWorkflow>({ ...input, progress });
      }
    }
  }
  await condition(() => inFlight() <= 0);
  progress.done = true;
  upsertSearchAttributes([{ key: SA.status, value: 'completed' }]);
  return progress;
}

/** One document: three upserts, the LLM-like activity, the store-like activity, a signal to the parent. */
export async function floorDocumentWorkflow(input: FloorDocumentInput): Promise<{ category: string }> {
  const { callFloorModel } = proxyActivities<FloorLlmActivities>({
    taskQueue: input.llmTaskQueue,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
  upsertSearchAttributes([
    { key: SA.model, value: MODEL },
    { key: SA.promptVersion, value: 'v1' },
    { key: SA.batchId, value: input.batchId },
  ]);
  upsertSearchAttributes([
    { key: SA.status, value: 'classifying' },
    { key: SA.reviewReason, value: null },
    { key: SA.category, value: null },
    { key: SA.confidence, value: null },
  ]);
  const answer = await callFloorModel({ documentId: input.documentId });
  await storeFloorResult({ documentId: input.documentId });
  const notified = getExternalWorkflowHandle(floorBatchWorkflowId(input.batchId)).signal(floorSettledSignal, {
    documentId: input.documentId,
  });
  upsertSearchAttributes([
    { key: SA.status, value: 'completed' },
    { key: SA.reviewReason, value: null },
    { key: SA.category, value: answer.category },
    { key: SA.confidence, value: answer.confidence },
  ]);
  await notified;
  return { category: answer.category };
}

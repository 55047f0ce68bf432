import {
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { batchProgressQuery, documentSettledSignal } from '../shared/messages.js';
import { documentWorkflowId, TASK_QUEUE } from '../shared/names.js';
import { SA } from '../shared/search-attributes.js';
import { applyVariant } from '../shared/split.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { BatchProgress, ClassifyBatchInput, ClassifyBatchResult } from '../shared/workflow-types.js';
import { classifyDocumentWorkflow } from './classify-document.js';

const { listBatchDocuments } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Children started per run before continuing as new, well before history limits (about 10 events each). */
const CHILDREN_PER_RUN = 500;
const PAGE_SIZE = 100;

/**
 * Classifies a batch with a bounded sliding window of `classifyDocumentWorkflow` children. Children report their
 * first resting status by signal, so a document waiting for a person frees its place in the window. Children are
 * abandoned on continue-as-new and keep running; progress survives restarts because it lives in history.
 */
export async function classifyBatchWorkflow(input: ClassifyBatchInput): Promise<ClassifyBatchResult> {
  const progress: BatchProgress = input.progress ?? {
    batchId: input.batchId,
    total: input.total,
    cursor: -1,
    started: 0,
    settled: {},
    skipped: 0,
    done: false,
    runs: 0,
  };
  progress.runs++;
  const settledCount = () => Object.values(progress.settled).reduce((a, b) => a + b, 0);
  const inFlight = () => progress.started - settledCount();

  setHandler(batchProgressQuery, () => progress);
  setHandler(documentSettledSignal, ({ status }) => {
    progress.settled[status] = (progress.settled[status] ?? 0) + 1;
  });
  upsertSearchAttributes([
    { key: SA.batchId, value: input.batchId },
    { key: SA.status, value: DOCUMENT_STATUS.classifying },
  ]);

  /** The document's settings, with its canary variant when a canary was active at submission. */
  const documentFor = (documentId: string) => applyVariant(input.document, documentId, input.canary);

  let startedThisRun = 0;
  for (;;) {
    const page = await listBatchDocuments({ batchId: input.batchId, afterPosition: progress.cursor, limit: PAGE_SIZE });
    if (page.items.length === 0) break;
    for (const item of page.items) {
      if (item.classified) {
        progress.skipped++;
        progress.cursor = item.position;
        continue;
      }
      await condition(() => inFlight() < input.window);
      try {
        await startChild(classifyDocumentWorkflow, {
          workflowId: documentWorkflowId(item.id),
          taskQueue: TASK_QUEUE,
          args: [{ ...documentFor(item.id), documentId: item.id, batchId: input.batchId }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [
            { key: SA.status, value: DOCUMENT_STATUS.classifying },
            { key: SA.batchId, value: input.batchId },
            { key: SA.model, value: documentFor(item.id).model },
            { key: SA.promptVersion, value: documentFor(item.id).promptVersion },
          ],
        });
        progress.started++;
      } catch (err) {
        // Its workflow already ran or runs (submitted on its own, or by another batch): not ours to wait for.
        log.info('document already has a workflow', { documentId: item.id, error: (err as Error).message });
        progress.skipped++;
      }
      progress.cursor = item.position;
      startedThisRun++;
      if (startedThisRun >= (input.childrenPerRun ?? CHILDREN_PER_RUN) || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof classifyBatchWorkflow>({ ...input, progress });
      }
    }
  }

  await condition(() => inFlight() <= 0);
  progress.done = true;
  upsertSearchAttributes([{ key: SA.status, value: DOCUMENT_STATUS.completed }]);
  return { batchId: input.batchId, progress };
}

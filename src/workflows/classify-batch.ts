import {
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
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
 * first resting status by signal, so a document waiting for a person frees its place in the window. Whenever there is
 * room, the next documents up to the room are started together, in one workflow task. Children are abandoned on
 * continue-as-new and keep running; progress survives restarts because it lives in history.
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

  /** Starts a document's child; rejected when a workflow with its id already ran or runs. */
  const startDocument = (documentId: string) => {
    const settings = documentFor(documentId);
    return startChild(classifyDocumentWorkflow, {
      workflowId: documentWorkflowId(documentId),
      taskQueue: TASK_QUEUE,
      args: [{ ...settings, documentId, batchId: input.batchId }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: SA.status, value: DOCUMENT_STATUS.classifying },
        { key: SA.batchId, value: input.batchId },
        { key: SA.model, value: settings.model },
        { key: SA.promptVersion, value: settings.promptVersion },
      ],
    });
  };
  /** A start the server refused: the document's workflow id is taken. Counted as skipped, never waited for. */
  const rejectedStart = (documentId: string, err: unknown) => {
    // Its workflow already ran or runs (submitted on its own, or by another batch): not ours to wait for.
    log.info('document already has a workflow', { documentId, error: (err as Error).message });
    progress.skipped++;
  };

  const childrenPerRun = input.childrenPerRun ?? CHILDREN_PER_RUN;
  let startedThisRun = 0;
  const runIsOver = () => startedThisRun >= childrenPerRun || workflowInfo().continueAsNewSuggested;
  // Decided once per run: a run recorded starting one child per workflow task replays that way to its end.
  const groupedStarts = patched('batch-parallel-starts');
  for (;;) {
    const page = await listBatchDocuments({ batchId: input.batchId, afterPosition: progress.cursor, limit: PAGE_SIZE });
    const items = page.items;
    if (items.length === 0) break;

    if (groupedStarts) {
      let next = 0;
      /** Passes over documents already classified, up to the next one that needs a child. */
      const skipClassified = () => {
        while (items[next]?.classified) {
          progress.skipped++;
          progress.cursor = items[next]!.position;
          next++;
        }
      };
      const unclassifiedAhead = () => items.slice(next).some((item) => !item.classified);
      // As on the sequential path, classified documents are passed over without waiting for room.
      for (skipClassified(); next < items.length; skipClassified()) {
        await condition(() => inFlight() < input.window);
        // At least one, so that a per-run cap below one still makes progress (as the sequential path does).
        const room = Math.max(1, Math.min(input.window - inFlight(), childrenPerRun - startedThisRun));
        const group = [items[next++]!];
        // Classified documents after the group's last are left to the next round: the cursor only moves forward.
        while (group.length < room && unclassifiedAhead()) {
          skipClassified();
          group.push(items[next++]!);
        }
        // The starts go out together in one workflow task instead of one round trip each.
        const starts = await Promise.allSettled(group.map((item) => startDocument(item.id)));
        starts.forEach((start, i) => {
          const item = group[i]!;
          if (start.status === 'fulfilled') progress.started++;
          else rejectedStart(item.id, start.reason);
          progress.cursor = item.position;
          startedThisRun++;
        });
        if (runIsOver()) return continueAsNew<typeof classifyBatchWorkflow>({ ...input, progress });
      }
    } else {
      // Runs started before 'batch-parallel-starts': one child per workflow task.
      for (const item of items) {
        if (item.classified) {
          progress.skipped++;
          progress.cursor = item.position;
          continue;
        }
        await condition(() => inFlight() < input.window);
        try {
          await startDocument(item.id);
          progress.started++;
        } catch (err) {
          rejectedStart(item.id, err);
        }
        progress.cursor = item.position;
        startedThisRun++;
        if (runIsOver()) return continueAsNew<typeof classifyBatchWorkflow>({ ...input, progress });
      }
    }
  }

  await condition(() => inFlight() <= 0);
  progress.done = true;
  upsertSearchAttributes([{ key: SA.status, value: DOCUMENT_STATUS.completed }]);
  return { batchId: input.batchId, progress };
}

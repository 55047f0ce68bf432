import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { EnqueueBatchApiRequestInput } from '../activities/batch-api/index.js';
import type { ClassifyWithLlmInput, ClassifyWithLlmResult } from '../activities/classify-with-llm.js';
import {
  batchApiCustomId,
  batchApiNoticeSignal,
  WAITING_FOR_BATCH_API,
  type BatchApiDocumentSettings,
  type BatchApiNotice,
} from '../shared/batch-api.js';
import { ERROR_TYPE_CLASS, isErrorType, NON_RETRYABLE_ERROR_TYPES } from '../shared/errors.js';
import type { DocumentProgress } from '../shared/workflow-types.js';

/** Database work only: retried until it succeeds; the failures of the taxonomy pass through at once. */
const { enqueueBatchApiRequest, settleBatchApiAnswer, withdrawBatchApiRequest } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    backoffCoefficient: 2,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

/** What a document's Batch API path reads and updates of its workflow. */
export interface BatchApiCallContext {
  documentId: string;
  settings: BatchApiDocumentSettings;
  progress: DocumentProgress;
  /** Shows the document as `classifying` at `stage`. */
  showStage: (stage: string) => void;
}

/** Makes a document's model calls through the Batch API, and says when it must fall back to realtime. */
export interface BatchApiCaller {
  /**
   * One model call through the Batch API: the request is queued, the document waits durably for its line, and the
   * line is judged exactly as a realtime answer. A refused line fails as a realtime call would (input → review,
   * operator → pause) except transient refusals, re-queued up to `maxRequeues`. Undefined: the deadline passed or
   * the re-queues ran out; the caller makes a realtime call, and so do the calls after it.
   */
  call(args: ClassifyWithLlmInput): Promise<ClassifyWithLlmResult | undefined>;
  /** Once true, every call of this document is realtime. */
  readonly fellBack: boolean;
}

/** Registers the document's handler of Batch API notices and returns its caller. */
export function batchApiCaller(ctx: BatchApiCallContext): BatchApiCaller {
  let requests = 0;
  let firstQueuedAtMs: number | undefined;
  let line: BatchApiNotice | undefined;
  let fellBack = false;
  setHandler(batchApiNoticeSignal, (notice) => {
    const current = ctx.progress.batchApi;
    // Notices about an earlier request (a re-sent signal, a line that came after the deadline) are old news.
    if (!current || current.customId !== notice.customId) return;
    if (notice.providerJobId) current.providerJobId = notice.providerJobId;
    if (notice.outcome === 'answered' || notice.outcome === 'error_line') line = notice;
  });

  async function waitForLine(request: EnqueueBatchApiRequestInput, deadlineMs: number): Promise<boolean> {
    try {
      return await condition(() => line !== undefined, Math.max(1, deadlineMs - Date.now()));
    } catch (err) {
      // Cancelled while waiting: the request takes no answer, and a job nobody waits for is cancelled.
      if (isCancellation(err)) {
        await CancellationScope.nonCancellable(() => withdrawBatchApiRequest({ customId: request.customId }));
      }
      throw err;
    }
  }

  async function call(args: ClassifyWithLlmInput): Promise<ClassifyWithLlmResult | undefined> {
    for (let transientLines = 0; ;) {
      const request = { ...args, customId: batchApiCustomId(ctx.documentId, ++requests) };
      firstQueuedAtMs ??= Date.now();
      // Before the request is queued: its job's notices can arrive in the same activation as the activity's result,
      // and are handled first.
      line = undefined;
      ctx.progress.batchApi = { customId: request.customId, queuedAt: new Date(firstQueuedAtMs).toISOString() };
      await enqueueBatchApiRequest(request);
      ctx.showStage(WAITING_FOR_BATCH_API);
      if (!(await waitForLine(request, firstQueuedAtMs + ctx.settings.deadlineMs))) {
        await withdrawBatchApiRequest({ customId: request.customId });
        log.warn('Batch API deadline passed: falling back to realtime', { documentId: ctx.documentId });
        fellBack = true;
        return undefined;
      }
      try {
        return await settleBatchApiAnswer(request);
      } catch (err) {
        if (!isTransientLine(err)) throw err;
        if (++transientLines > ctx.settings.maxRequeues) {
          log.warn('Batch API lines kept failing: falling back to realtime', { documentId: ctx.documentId });
          fellBack = true;
          return undefined;
        }
      }
    }
  }

  return {
    call,
    get fellBack() {
      return fellBack;
    },
  };
}

/** A line refused for a passing reason (a 429 or a 5xx inside the job): worth a place in a later job. */
function isTransientLine(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && isErrorType(cause.type) && ERROR_TYPE_CLASS[cause.type] === 'transient';
}

import {
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { batchApiJobWorkflowId, batchApiQueuedSignal, type BatchApiQueueInput } from '../shared/batch-api.js';
import { batchApiJobWorkflow } from './batch-api-job.js';

const { formBatchApiJobs } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Formations per run before continuing as new: each is a handful of events, the signals between them one each. */
const FORMATIONS_PER_RUN = 200;

/**
 * The queue of one model's Batch API requests. Documents signal it as they queue a request (the request itself is
 * in the database); it waits until enough is queued (requests or tokens) or the oldest has waited long enough, then
 * forms jobs within the provider's limits and starts one `batchApiJobWorkflow` per job. Requests over the enqueued-
 * token limit stay queued until a job ends and releases its tokens. Idle, it waits for a signal: no timer, no poll.
 */
export async function batchApiQueueWorkflow(input: BatchApiQueueInput): Promise<void> {
  const { settings } = input;
  let pending = input.carried?.pending ?? 0;
  let pendingTokens = input.carried?.pendingTokens ?? 0;
  let learned = input.carried?.learnedMaxQueuedTokens;
  let released = false;
  let formations = input.carried?.formations ?? 0;
  setHandler(batchApiQueuedSignal, (queued) => {
    pending += queued.requests;
    pendingTokens += queued.tokens;
    if (queued.released) released = true;
    if (queued.learnedMaxQueuedTokens !== undefined) {
      learned = Math.min(learned ?? Number.POSITIVE_INFINITY, queued.learnedMaxQueuedTokens);
    }
  });
  for (let run = 0; run < FORMATIONS_PER_RUN; run++) {
    await condition(() => pending > 0);
    const full = () =>
      pending >= settings.maxRequestsPerJob ||
      (settings.jobTokenBudget !== undefined && pendingTokens >= settings.jobTokenBudget);
    await condition(full, settings.maxWaitMs);
    // Requests signalled from here on count toward the next formation.
    pending = 0;
    pendingTokens = 0;
    released = false;
    formations++;
    const formed = await formBatchApiJobs({
      formationKey: `${workflowInfo().workflowId}-${formations}`,
      model: input.model,
      ...(learned !== undefined ? { learnedMaxQueuedTokens: learned } : {}),
    });
    for (const job of formed.jobs) {
      await startChild(batchApiJobWorkflow, {
        workflowId: batchApiJobWorkflowId(job.jobKey),
        args: [
          {
            jobKey: job.jobKey,
            model: input.model,
            pollInitialMs: settings.pollInitialMs,
            pollMaxMs: settings.pollMaxMs,
          },
        ],
        // A job outlives its queue's runs: it is owned by the provider's clock, not by this workflow.
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    }
    if (formed.jobs.length > 0) log.info('Batch API jobs formed', { model: input.model, jobs: formed.jobs.length });
    if (formed.remaining > 0) {
      // Over the enqueued-token limit: wait until a job ends (or a poll interval), then try again.
      if (formed.jobs.length === 0) await condition(() => released, settings.pollMaxMs);
      pending += formed.remaining;
      pendingTokens += formed.remainingTokens;
    }
  }
  await continueAsNew<typeof batchApiQueueWorkflow>({
    ...input,
    carried: {
      pending,
      pendingTokens,
      formations,
      ...(learned !== undefined ? { learnedMaxQueuedTokens: learned } : {}),
    },
  });
}

import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { BatchApiJobInput, BatchApiJobResult } from '../shared/batch-api.js';

/** Calls to the provider's Files and Batches APIs: failures retried for as long as they last. */
const PROVIDER_RETRY = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' } as const;
const { pollBatchApiJob } = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: PROVIDER_RETRY });
/**
 * The create (an upload of up to 200 MB) and the collection (a download, then a notice to every document): long for a
 * 50,000-line job, heartbeating as they go, so a killed worker's attempt is retried within 20 s.
 */
const { submitBatchApiJob, collectBatchApiJob } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '20 seconds',
  retry: PROVIDER_RETRY,
});

/** How much each wait between two looks at a job grows. */
const POLL_GROWTH = 1.5;
/** The provider's words for a job refused over its enqueued-token limit, with the limit it names. */
const TOKEN_LIMIT_PATTERN = /limit[^0-9]*([0-9][0-9,]*)\s*enqueued tokens/i;

/**
 * Owns one provider job from creation to collection: creates it once (idempotent across crashes), looks at it with
 * durable timers that grow from `pollInitialMs` to `pollMaxMs` (never a hot loop), and once it is final collects its
 * lines, re-queues what did not come back and tells each document. A worker or server restart resumes where it was.
 */
export async function batchApiJobWorkflow(input: BatchApiJobInput): Promise<BatchApiJobResult> {
  const submitted = await submitBatchApiJob({ jobKey: input.jobKey });
  let delay = input.pollInitialMs;
  for (;;) {
    await sleep(delay);
    const polled = await pollBatchApiJob({ jobKey: input.jobKey });
    if (polled.final) {
      const learned = learnedTokenLimit(polled.errors);
      if (polled.status === 'failed') log.warn('Batch API job failed', { jobKey: input.jobKey, errors: polled.errors });
      const counts = await collectBatchApiJob({
        jobKey: input.jobKey,
        ...(polled.outputFileId ? { outputFileId: polled.outputFileId } : {}),
        ...(polled.errorFileId ? { errorFileId: polled.errorFileId } : {}),
        ...(learned !== undefined ? { learnedMaxQueuedTokens: learned } : {}),
      });
      return {
        jobKey: input.jobKey,
        ...(submitted.providerJobId ? { providerJobId: submitted.providerJobId } : {}),
        status: polled.status,
        ...counts,
      };
    }
    delay = Math.min(Math.round(delay * POLL_GROWTH), input.pollMaxMs);
  }
}

/** The enqueued-token limit a `token_limit_exceeded` refusal names, when it names one. */
function learnedTokenLimit(errors: readonly { code: string; message: string }[] | undefined): number | undefined {
  const refusal = errors?.find((e) => e.code === 'token_limit_exceeded');
  const match = refusal ? TOKEN_LIMIT_PATTERN.exec(refusal.message) : null;
  return match?.[1] ? Number(match[1].replaceAll(',', '')) : undefined;
}

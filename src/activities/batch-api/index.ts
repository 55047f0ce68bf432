import { createCollectBatchApiJob } from './collect.js';
import type { BatchApiActivityDeps } from './deps.js';
import { createEnqueueBatchApiRequest } from './enqueue-request.js';
import { createBatchApiJobActivities } from './jobs.js';
import { createSettleBatchApiAnswer } from './settle-answer.js';

export type { BatchApiActivityDeps } from './deps.js';
export type { EnqueueBatchApiRequestInput } from './enqueue-request.js';

/** The Batch API path's activities (docs/batch-api.md), on the `docket` task queue: the Batch API is its own pool. */
export function createBatchApiActivities(deps: BatchApiActivityDeps) {
  return {
    enqueueBatchApiRequest: createEnqueueBatchApiRequest(deps),
    settleBatchApiAnswer: createSettleBatchApiAnswer(deps),
    collectBatchApiJob: createCollectBatchApiJob(deps),
    ...createBatchApiJobActivities(deps),
  };
}

import type { Client } from '@temporalio/client';
import type { BatchApiQueueSettings } from '../../shared/batch-api.js';
import type { LlmActivityDeps } from '../llm-call/types.js';

/** What the Batch API activities need: the LLM activity's dependencies, a Temporal client and the queue settings. */
export type BatchApiActivityDeps = LlmActivityDeps & {
  client: Client;
  /** DOCKET_BATCH_API_*: how requests are grouped into jobs and jobs are watched. */
  batchApi: BatchApiQueueSettings;
};

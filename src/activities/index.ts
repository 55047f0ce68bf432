import { activityInfo } from '@temporalio/activity';
import { createClassifyWithLlm, type LlmActivityDeps } from './classify-with-llm.js';
import { createBatchApiActivities, type BatchApiActivityDeps } from './batch-api/index.js';
import { createListBatchDocuments } from './batch-documents.js';
import { createExtractDocumentText, type ExtractionActivityDeps } from './extract-document.js';
import { createRetentionActivities, type RetentionActivityDeps } from './retention.js';
import { retryingInfrastructure } from './infrastructure.js';
import { createStoreClassification, type StoreClassificationDeps } from './store-classification.js';

export type ActivityDeps = LlmActivityDeps &
  RetentionActivityDeps &
  ExtractionActivityDeps &
  BatchApiActivityDeps &
  StoreClassificationDeps;

/** Activities that run on the `docket` task queue (database work). */
export function createActivities(deps: ActivityDeps) {
  const attempt = () => activityInfo().attempt;
  // A database outage surfaces as DocketInfrastructureUnavailable: retried with backoff, never a document's failure.
  return {
    storeClassification: retryingInfrastructure(createStoreClassification(deps), attempt),
    listBatchDocuments: retryingInfrastructure(createListBatchDocuments(deps), attempt),
    extractDocumentText: retryingInfrastructure(createExtractDocumentText(deps), attempt),
    ...createRetentionActivities(deps),
    ...createBatchApiActivities(deps),
  };
}

/** Activities that run on the `docket-llm` task queue (LLM calls only, rate-limited on their own). */
export function createLlmActivities(deps: ActivityDeps) {
  return {
    classifyWithLlm: createClassifyWithLlm(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type LlmActivities = ReturnType<typeof createLlmActivities>;

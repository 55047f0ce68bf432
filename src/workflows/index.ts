export { batchApiJobWorkflow } from './batch-api-job.js';
export { batchApiQueueWorkflow } from './batch-api-queue.js';
export { classifyBatchWorkflow } from './classify-batch.js';
export { classifyDocumentWorkflow } from './classify-document.js';
export { compareConfigurationsWorkflow } from './compare-configurations.js';
export { retentionWorkflow } from './retention.js';

export { classifyBatchWorkflow } from './classify-batch.js';
export { classifyDocumentWorkflow } from './classify-document.js';
export { compareConfigurationsWorkflow } from './compare-configurations.js';
export { retentionWorkflow } from './retention.js';

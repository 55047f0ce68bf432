/** Wire names of DESIGN.md §3. They never change once shipped: version behaviour with `patched()` instead. */

export const TASK_QUEUE = 'docket';
export const LLM_TASK_QUEUE = 'docket-llm';

export const WORKFLOW_TYPES = {
  classifyDocument: 'classifyDocumentWorkflow',
  classifyBatch: 'classifyBatchWorkflow',
  compareConfigurations: 'compareConfigurationsWorkflow',
  retention: 'retentionWorkflow',
} as const;

/** The Temporal Schedule that runs `retentionWorkflow` while `DOCKET_RETENTION_DAYS` is set. */
export const RETENTION_SCHEDULE_ID = 'docket-retention';

/** Workflow ID of a document's classification. */
export function documentWorkflowId(documentId: string): string {
  return `classify-${documentId}`;
}

/** The document a classification's workflow ID names: the inverse of {@link documentWorkflowId}. */
export function documentIdOfWorkflow(workflowId: string): string {
  return workflowId.replace(/^classify-/, '');
}

/** Workflow ID of a batch. */
export function batchWorkflowId(batchId: string): string {
  return `batch-${batchId}`;
}

export const MESSAGES = {
  submitReview: 'submitReview',
  reviewSignal: 'review',
  resumeSignal: 'resume',
  statusQuery: 'status',
  progressQuery: 'progress',
} as const;

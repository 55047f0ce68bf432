/** Wire names of DESIGN.md §3. They never change once shipped: version behaviour with `patched()` instead. */

export const TASK_QUEUE = 'docket';
export const LLM_TASK_QUEUE = 'docket-llm';

export const WORKFLOW_TYPES = {
  classifyDocument: 'classifyDocumentWorkflow',
  classifyBatch: 'classifyBatchWorkflow',
  compareConfigurations: 'compareConfigurationsWorkflow',
  retention: 'retentionWorkflow',
  /** One per model: groups batch-mode documents' requests into OpenAI Batch API jobs. */
  batchApiQueue: 'batchApiQueueWorkflow',
  /** One per provider job: creates it, waits for it, hands each document its line. */
  batchApiJob: 'batchApiJobWorkflow',
} as const;

/** The Temporal Schedule that runs `retentionWorkflow` while `DOCKET_RETENTION_DAYS` is set. */
export const RETENTION_SCHEDULE_ID = 'docket-retention';

/** How each kind of workflow ID begins: the business id follows. */
const WORKFLOW_ID_PREFIX = {
  document: 'classify-',
  batch: 'batch-',
  compare: 'compare-',
  reclassify: 'reclassify-',
} as const;

/** Workflow ID of a document's classification: `classify-<documentId>`. */
export function documentWorkflowId(documentId: string): string {
  return `${WORKFLOW_ID_PREFIX.document}${documentId}`;
}

/**
 * Workflow ID of a document's reclassification (a `classifyDocumentWorkflow` run again under the current
 * configuration): `reclassify-<documentId>-<version>`, the version its result will be.
 */
export function reclassifyWorkflowId(documentId: string, version: number): string {
  return `${WORKFLOW_ID_PREFIX.reclassify}${documentId}-${version}`;
}

/**
 * The document a classification's workflow ID names: the inverse of {@link documentWorkflowId} and of
 * {@link reclassifyWorkflowId}.
 */
export function documentIdOfWorkflow(workflowId: string): string {
  const { document, reclassify } = WORKFLOW_ID_PREFIX;
  if (workflowId.startsWith(reclassify)) return workflowId.slice(reclassify.length).replace(/-\d+$/, '');
  return workflowId.startsWith(document) ? workflowId.slice(document.length) : workflowId;
}

/** Workflow ID of a batch: `batch-<batchId>`. */
export function batchWorkflowId(batchId: string): string {
  return `${WORKFLOW_ID_PREFIX.batch}${batchId}`;
}

/** Workflow ID of a comparison of two configurations (`compareConfigurationsWorkflow`): `compare-<compareId>`. */
export function compareWorkflowId(compareId: string): string {
  return `${WORKFLOW_ID_PREFIX.compare}${compareId}`;
}

/** Update, signal and query names: the document workflow's (DESIGN.md §3), then the batch workflow's. */
export const MESSAGES = {
  submitReview: 'submitReview',
  reviewSignal: 'review',
  resumeSignal: 'resume',
  statusQuery: 'status',
  /** A batch's child tells the batch it reached its first resting status. */
  documentSettledSignal: 'documentSettled',
  progressQuery: 'progress',
} as const;

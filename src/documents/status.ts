import { WorkflowNotFoundError } from '@temporalio/client';
import { isWaitingForBatchApi } from '../db/batch-api.js';
import { getClassification } from '../db/classifications.js';
import { isDocumentStartPending, isInBatch } from '../db/workflow-starts.js';
import { DOCKET_MODE, WAITING_FOR_BATCH_API } from '../shared/batch-api.js';
import { documentWorkflowId } from '../shared/names.js';
import { SA } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS, type DocumentStatus } from '../shared/status.js';
import type { ServiceDeps } from './deps.js';
import { UnavailableError } from './errors.js';

/** Stage of a document whose workflow is owed a start: the reconciler (or its batch) will start it. */
export const QUEUED_STAGE = 'queued';
/** Stage of a document whose workflow no longer exists (deleted, or past retention) and that has no result. */
export const NO_WORKFLOW_STAGE = 'workflow_missing';
/** How long a status read waits for Temporal, ms. */
const DESCRIBE_TIMEOUT_MS = 2_000;

/** Where a document without a stored result stands: its workflow's status, or why it has none (yet). */
export async function liveStatus(deps: ServiceDeps, id: string): Promise<{ status: DocumentStatus; stage?: string }> {
  // Owed a start: answered from the database alone, so it holds while Temporal is down.
  if (await isDocumentStartPending(deps.pool, id)) return { status: DOCUMENT_STATUS.classifying, stage: QUEUED_STAGE };
  try {
    const description = await deps.client.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
      deps.client.workflow.getHandle(documentWorkflowId(id)).describe(),
    );
    const status = workflowStatus(description.status.name, description.typedSearchAttributes.get(SA.status));
    // A batch-mode document waits hours for its job: say so, from the database (no query to a busy workflow).
    const batchMode = description.typedSearchAttributes.get(SA.mode) === DOCKET_MODE.batchApi;
    if (status === DOCUMENT_STATUS.classifying && batchMode && (await isWaitingForBatchApi(deps.pool, id))) {
      return { status, stage: WAITING_FOR_BATCH_API };
    }
    return { status };
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) {
      throw new UnavailableError(
        `Temporal did not answer within ${DESCRIBE_TIMEOUT_MS / 1000} s, so the status of document ${id} is unknown for now; retry later (GET /healthz names what is down)`,
      );
    }
  }
  // A batch starts its documents' children as its window makes room.
  if (await isInBatch(deps.pool, id)) return { status: DOCUMENT_STATUS.classifying, stage: QUEUED_STAGE };
  // Started once, yet no workflow and no result: nobody is working on it, and saying `classifying` would be a lie.
  return { status: DOCUMENT_STATUS.failed, stage: NO_WORKFLOW_STAGE };
}

/** The status of a document whose start was just accepted: never an error, `classifying` when Temporal is slow. */
export async function documentStatus(deps: ServiceDeps, id: string): Promise<DocumentStatus> {
  if (await getClassification(deps.pool, id)) return DOCUMENT_STATUS.completed;
  try {
    return (await liveStatus(deps, id)).status;
  } catch {
    // The start was just accepted; a status read that times out must not turn the 202 into an error.
    return DOCUMENT_STATUS.classifying;
  }
}

function workflowStatus(execution: string, attribute: string | undefined): DocumentStatus {
  if (execution === 'FAILED' || execution === 'TERMINATED' || execution === 'TIMED_OUT' || execution === 'CANCELLED') {
    return DOCUMENT_STATUS.failed;
  }
  return (attribute as DocumentStatus | undefined) ?? DOCUMENT_STATUS.classifying;
}

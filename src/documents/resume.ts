import { WorkflowNotFoundError } from '@temporalio/client';
import { getDocument } from '../db/queries.js';
import { resumeSignal } from '../shared/messages.js';
import { documentIdOfWorkflow, documentWorkflowId } from '../shared/names.js';
import { SEARCH_ATTRIBUTES } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, NotFoundError } from './errors.js';
import { getDocumentView } from './view.js';

/**
 * Clears one document's operator pause with the workflow's `resume` signal; `by` is who asked (logged). Not found,
 * or a conflict when the document is not (or no longer) paused. Returns the ids resumed.
 */
export async function resumeDocument(deps: ServiceDeps, id: string, by: string): Promise<string[]> {
  if (!(await getDocument(deps.pool, id))) throw new NotFoundError(`no document with id ${id}`);
  const view = await getDocumentView(deps, id);
  if (view.status !== DOCUMENT_STATUS.paused) throw new ConflictError(`document ${id} is ${view.status}, not paused`);
  try {
    await deps.client.workflow.getHandle(documentWorkflowId(id)).signal(resumeSignal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ConflictError(`document ${id} is no longer paused`);
    throw err;
  }
  deps.logger?.info({ documentId: id, by }, 'document resumed');
  return [id];
}

/** Clears every operator pause (the workflows whose `DocketStatus` is `paused`); returns the ids resumed. */
export async function resumeAll(deps: ServiceDeps, by: string): Promise<string[]> {
  const resumed: string[] = [];
  for await (const wf of deps.client.workflow.list({
    query: `${SEARCH_ATTRIBUTES.status} = '${DOCUMENT_STATUS.paused}'`,
  })) {
    await deps.client.workflow.getHandle(wf.workflowId).signal(resumeSignal);
    resumed.push(documentIdOfWorkflow(wf.workflowId));
  }
  deps.logger?.info({ count: resumed.length, by }, 'documents resumed');
  return resumed;
}

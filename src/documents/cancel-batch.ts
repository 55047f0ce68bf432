import { WorkflowNotFoundError } from '@temporalio/client';
import pLimit from 'p-limit';
import { getBatchSummary, listBatchDocumentsPage } from '../db/queries.js';
import { batchWorkflowId, documentWorkflowId } from '../shared/names.js';
import type { ServiceDeps } from './deps.js';
import { NotFoundError } from './errors.js';
import type { BatchCancelled } from './schemas.js';

/** Documents read per page, and cancellations sent at once. */
const PAGE_SIZE = 500;
const CONCURRENCY = 16;

/**
 * Cancels a batch: its workflow stops starting documents, and every document still running is cancelled: it ends
 * `failed` with reason `cancelled`. A document waiting for the Batch API withdraws its request, and a provider job
 * nobody waits for any more is cancelled at the provider. Documents already decided keep their results. Idempotent.
 */
export async function cancelBatch(deps: ServiceDeps, batchId: string): Promise<BatchCancelled> {
  if (!(await getBatchSummary(deps.pool, batchId))) throw new NotFoundError(`no batch with id ${batchId}`);
  await cancelWorkflow(deps, batchWorkflowId(batchId));
  const limit = pLimit(CONCURRENCY);
  let cancelled = 0;
  for (let after = -1; ;) {
    const page = await listBatchDocumentsPage(deps.pool, batchId, after, PAGE_SIZE);
    if (page.length === 0) break;
    after = page.at(-1)!.position;
    const running = page.filter((d) => !d.classified);
    const outcomes = await Promise.all(running.map((d) => limit(() => cancelWorkflow(deps, documentWorkflowId(d.id)))));
    cancelled += outcomes.filter(Boolean).length;
  }
  deps.logger?.info({ batchId, cancelled }, 'batch cancelled');
  return { batchId, cancelled };
}

/** Asks a workflow to cancel; false when it is not running (closed, or never started). */
async function cancelWorkflow(deps: ServiceDeps, workflowId: string): Promise<boolean> {
  try {
    await deps.client.workflow.getHandle(workflowId).cancel();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

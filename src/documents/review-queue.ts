import type { WorkflowExecutionInfo } from '@temporalio/client';
import { getDocument } from '../db/queries.js';
import { documentIdOfWorkflow } from '../shared/names.js';
import { SA, SEARCH_ATTRIBUTES } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { ServiceDeps } from './deps.js';
import { EXCERPT_CHARS, type ReviewQueueItem, type ReviewQueuePage } from './schemas.js';
import { documentTitle } from './text.js';
import { queryProgress } from './view.js';
import { workflowUrl } from './web-ui.js';

/** A page of the review queue, without who asked for it. */
export type PendingReviews = Omit<ReviewQueuePage, 'reviewer'>;

/**
 * The pending reviews, oldest first, `limit` of them from `offset`, each with an excerpt of its text: the queue is
 * `DocketStatus = 'pending_review'` in Temporal visibility.
 */
export async function pendingReviews(
  deps: ServiceDeps,
  page: { limit: number; offset: number },
): Promise<PendingReviews> {
  const { limit, offset } = page;
  const pending = await pendingWorkflows(deps);
  const reviews = await Promise.all(pending.slice(offset, offset + limit).map((wf) => reviewItem(deps, wf)));
  return {
    reviews: reviews.filter((r) => r !== undefined),
    total: pending.length,
    ...(offset + limit < pending.length ? { nextOffset: offset + limit } : {}),
  };
}

/** The pending reviews, oldest first (SQL visibility has no ORDER BY: list the queue, then sort it here). */
async function pendingWorkflows(deps: ServiceDeps): Promise<WorkflowExecutionInfo[]> {
  const pending: WorkflowExecutionInfo[] = [];
  const query = `${SEARCH_ATTRIBUTES.status} = '${DOCUMENT_STATUS.pendingReview}'`;
  for await (const wf of deps.client.workflow.list({ query, pageSize: 1000 })) pending.push(wf);
  return pending.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/** One entry of the queue; undefined when the document is gone (erased while its review waited). */
async function reviewItem(deps: ServiceDeps, wf: WorkflowExecutionInfo): Promise<ReviewQueueItem | undefined> {
  const id = documentIdOfWorkflow(wf.workflowId);
  const [doc, progress] = await Promise.all([getDocument(deps.pool, id), queryProgress(deps, id)]);
  if (!doc) return undefined;
  const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
  return {
    id,
    title: documentTitle(id, metadata),
    metadata,
    excerpt: doc.text.slice(0, EXCERPT_CHARS),
    textLength: doc.text.length,
    taxonomy: doc.taxonomy,
    categories: deps.config.taxonomies.find((t) => t.name === doc.taxonomy)?.categories ?? [],
    reason: wf.typedSearchAttributes.get(SA.reviewReason) ?? progress?.reviewReason ?? 'unknown',
    ...(progress?.suggestion ? { suggestion: progress.suggestion } : {}),
    // Workflows started before `pendingReviewSince` existed: their start is the best we know.
    since: progress?.pendingReviewSince ?? wf.startTime.toISOString(),
    workflowUrl: workflowUrl(deps.config, wf.workflowId),
  };
}

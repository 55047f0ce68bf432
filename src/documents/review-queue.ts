import type { WorkflowExecutionInfo } from '@temporalio/client';
import { listPendingAudits, type PendingAudit } from '../db/audits.js';
import { getDocument } from '../db/queries.js';
import { documentIdOfWorkflow } from '../shared/names.js';
import { SA, SEARCH_ATTRIBUTES } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS, REVIEW_REASON } from '../shared/status.js';
import type { ServiceDeps } from './deps.js';
import { EXCERPT_CHARS, type ReviewQueueItem, type ReviewQueuePage } from './schemas.js';
import { documentTitle } from './text.js';
import { queryProgress } from './view.js';
import { workflowUrl } from './web-ui.js';

/** A page of the review queue, without who asked for it. */
export type PendingReviews = Omit<ReviewQueuePage, 'reviewer'>;

/** One entry of the queue before its document is read: a workflow waiting for a person, or a pending audit. */
type Pending =
  { kind: 'workflow'; since: Date; wf: WorkflowExecutionInfo } | { kind: 'audit'; since: Date; audit: PendingAudit };

/**
 * The pending reviews, oldest first, `limit` of them from `offset`, each with an excerpt of its text: the workflows
 * with `DocketStatus = 'pending_review'` in Temporal visibility, and the pending audits of completed documents
 * (reason `audit`) beside them.
 */
export async function pendingReviews(
  deps: ServiceDeps,
  page: { limit: number; offset: number },
): Promise<PendingReviews> {
  const { limit, offset } = page;
  const [workflows, audits] = await Promise.all([pendingWorkflows(deps), listPendingAudits(deps.pool)]);
  const pending: Pending[] = [
    ...workflows.map((wf): Pending => ({ kind: 'workflow', since: wf.startTime, wf })),
    ...audits.map((audit): Pending => ({ kind: 'audit', since: audit.createdAt, audit })),
  ].sort((a, b) => a.since.getTime() - b.since.getTime());
  const reviews = await Promise.all(
    pending
      .slice(offset, offset + limit)
      .map((p) => (p.kind === 'workflow' ? reviewItem(deps, p.wf) : auditItem(deps, p.audit))),
  );
  return {
    reviews: reviews.filter((r) => r !== undefined),
    total: pending.length,
    ...(offset + limit < pending.length ? { nextOffset: offset + limit } : {}),
  };
}

/** The workflows waiting for review (SQL visibility has no ORDER BY: the queue is sorted here). */
async function pendingWorkflows(deps: ServiceDeps): Promise<WorkflowExecutionInfo[]> {
  const pending: WorkflowExecutionInfo[] = [];
  const query = `${SEARCH_ATTRIBUTES.status} = '${DOCUMENT_STATUS.pendingReview}'`;
  for await (const wf of deps.client.workflow.list({ query, pageSize: 1000 })) pending.push(wf);
  return pending;
}

/** What every entry shows of its document; undefined when the document is gone (erased while it waited). */
async function documentPart(deps: ServiceDeps, id: string) {
  const doc = await getDocument(deps.pool, id);
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
  };
}

/** A workflow's review: its reason and suggestion from visibility and the workflow's `status` query. */
async function reviewItem(deps: ServiceDeps, wf: WorkflowExecutionInfo): Promise<ReviewQueueItem | undefined> {
  const id = documentIdOfWorkflow(wf.workflowId);
  const [doc, progress] = await Promise.all([documentPart(deps, id), queryProgress(deps, id, wf.workflowId)]);
  if (!doc) return undefined;
  return {
    ...doc,
    reason: wf.typedSearchAttributes.get(SA.reviewReason) ?? progress?.reviewReason ?? 'unknown',
    ...(progress?.suggestion ? { suggestion: progress.suggestion } : {}),
    // Workflows started before `pendingReviewSince` existed: their start is the best we know.
    since: progress?.pendingReviewSince ?? wf.startTime.toISOString(),
    workflowUrl: workflowUrl(deps.config, wf.workflowId),
  };
}

/** A pending audit: the stored model answer is the suggestion the reviewer confirms or corrects. */
async function auditItem(deps: ServiceDeps, audit: PendingAudit): Promise<ReviewQueueItem | undefined> {
  const doc = await documentPart(deps, audit.documentId);
  if (!doc) return undefined;
  const { category, confidence, reasoning } = audit.result;
  return {
    ...doc,
    reason: REVIEW_REASON.audit,
    suggestion: { category, confidence, reasoning },
    since: audit.createdAt.toISOString(),
    workflowUrl: workflowUrl(deps.config, audit.workflowId),
  };
}

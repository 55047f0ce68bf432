import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { pendingAuditOf } from '../db/audits.js';
import { getClassification } from '../db/classifications.js';
import { getDocument } from '../db/queries.js';
import { latestReclassifyWorkflow } from '../db/reclassify.js';
import { submitReviewUpdate } from '../shared/messages.js';
import { documentWorkflowId } from '../shared/names.js';
import { REVIEW_FAILURE_TYPES } from '../shared/review-failures.js';
import { SA } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';
import { decideAudit } from './review-audit.js';
import type { DocumentView } from './schemas.js';
import { getDocumentView } from './view.js';

/** A person's decision on a pending review. */
export interface ReviewDecisionInput {
  category: string;
  /** Who decided: the token's name, never a value from the request body. */
  reviewer: string;
  note?: string;
}

/**
 * Decides a pending review and returns the final document: a workflow's review through its `submitReview` update
 * (validated by the workflow: the category must be in the document's taxonomy), the pending audit of a completed
 * document (review-audit.ts), or the review a reclassification's run waits for. Not found, or a conflict when no
 * review or audit is (or is any longer) pending.
 */
export async function submitReview(
  deps: ServiceDeps,
  id: string,
  decision: ReviewDecisionInput,
): Promise<DocumentView> {
  const doc = await getDocument(deps.pool, id);
  if (!doc) throw new NotFoundError(`no document with id ${id}`);
  if (await getClassification(deps.pool, id)) return decideCompleted(deps, doc, decision);
  await decideInWorkflow(deps, id, documentWorkflowId(id), decision);
  return getDocumentView(deps, id);
}

/**
 * A document with a stored result: its pending audit, or the review its reclassification waits for; a conflict when
 * neither is pending.
 */
async function decideCompleted(
  deps: ServiceDeps,
  doc: { id: string; taxonomy: string },
  decision: ReviewDecisionInput,
): Promise<DocumentView> {
  if (await pendingAuditOf(deps.pool, doc.id)) {
    const { corrected } = await decideAudit(deps, doc, decision);
    deps.logger?.info({ documentId: doc.id, reviewer: decision.reviewer, corrected }, 'audit decided');
    return getDocumentView(deps, doc.id);
  }
  const rerun = await latestReclassifyWorkflow(deps.pool, doc.id);
  if (rerun && (await waitsForReview(deps.client, rerun))) {
    await decideInWorkflow(deps, doc.id, rerun, decision);
    return getDocumentView(deps, doc.id);
  }
  throw new ConflictError(`document ${doc.id} is already decided, and neither a review nor an audit of it is pending`);
}

/** Decides the review `workflowId` waits for, through its `submitReview` update. */
async function decideInWorkflow(
  deps: ServiceDeps,
  id: string,
  workflowId: string,
  decision: ReviewDecisionInput,
): Promise<void> {
  try {
    await deps.client.workflow.getHandle(workflowId).executeUpdate(submitReviewUpdate, {
      args: [{ category: decision.category, reviewer: decision.reviewer, note: decision.note }],
    });
  } catch (err) {
    throw await reviewFailure(deps, err, id);
  }
  deps.logger?.info({ documentId: id, reviewer: decision.reviewer, category: decision.category }, 'review decided');
}

/** Whether the workflow runs and waits for a person (`DocketStatus = pending_review`). */
async function waitsForReview(client: Client, workflowId: string): Promise<boolean> {
  try {
    const { status, typedSearchAttributes } = await client.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' && typedSearchAttributes.get(SA.status) === DOCUMENT_STATUS.pendingReview;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** The domain error behind a failed review update: invalid for a bad decision, a conflict when none is pending. */
async function reviewFailure(deps: ServiceDeps, err: unknown, id: string): Promise<Error> {
  if (err instanceof WorkflowNotFoundError) {
    // Temporal answers an update to a closed workflow as "not found": the race was lost to a decision that closed it.
    if (await getClassification(deps.pool, id)) {
      return new ConflictError(`document ${id} was decided by another review first`);
    }
    const ended = await workflowEnded(deps.client, id);
    if (ended) return new ConflictError(`document ${id} is no longer waiting for review (its workflow ${ended})`);
    return new NotFoundError(`no workflow for document ${id}`);
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const { type, message } = err.cause;
    if (type === REVIEW_FAILURE_TYPES.categoryNotInTaxonomy || type === REVIEW_FAILURE_TYPES.invalidReview) {
      return new InvalidInputError(message);
    }
    if (type === REVIEW_FAILURE_TYPES.noReviewPending) return new ConflictError(message);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** How the document's workflow ended (`completed`, `failed`, …), or undefined while it runs or when none exists. */
async function workflowEnded(client: Client, id: string): Promise<string | undefined> {
  try {
    const { status } = await client.workflow.getHandle(documentWorkflowId(id)).describe();
    return status.name === 'RUNNING' ? undefined : status.name.toLowerCase().replace(/_/g, ' ');
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

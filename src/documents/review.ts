import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { pendingAuditOf } from '../db/audits.js';
import { getClassification } from '../db/classifications.js';
import { getDocument } from '../db/queries.js';
import { submitReviewUpdate } from '../shared/messages.js';
import { documentWorkflowId } from '../shared/names.js';
import { REVIEW_FAILURE_TYPES } from '../shared/review-failures.js';
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
 * (validated by the workflow: the category must be in the document's taxonomy), or the pending audit of a completed
 * document (review-audit.ts). Not found, or a conflict when neither a review nor an audit is (or is any longer)
 * pending.
 */
export async function submitReview(
  deps: ServiceDeps,
  id: string,
  decision: ReviewDecisionInput,
): Promise<DocumentView> {
  const doc = await getDocument(deps.pool, id);
  if (!doc) throw new NotFoundError(`no document with id ${id}`);
  if (await getClassification(deps.pool, id)) {
    if (!(await pendingAuditOf(deps.pool, id))) {
      throw new ConflictError(`document ${id} is already decided and no audit of it is pending`);
    }
    const { corrected } = await decideAudit(deps, doc, decision);
    deps.logger?.info({ documentId: id, reviewer: decision.reviewer, corrected }, 'audit decided');
    return getDocumentView(deps, id);
  }
  try {
    await deps.client.workflow.getHandle(documentWorkflowId(id)).executeUpdate(submitReviewUpdate, {
      args: [{ category: decision.category, reviewer: decision.reviewer, note: decision.note }],
    });
  } catch (err) {
    throw await reviewFailure(deps, err, id);
  }
  deps.logger?.info({ documentId: id, reviewer: decision.reviewer, category: decision.category }, 'review decided');
  return getDocumentView(deps, id);
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

import type pg from 'pg';
import { insertReviewDecision } from '../db/accuracy.js';
import { closeAudit, pendingAuditOf, type PendingAudit } from '../db/audits.js';
import { getClassification, storeResultVersion, type ClassificationRecord } from '../db/classifications.js';
import { transaction } from '../db/transaction.js';
import type { DocumentResult } from '../shared/result.js';
import { REVIEW_REASON } from '../shared/status.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, InvalidInputError } from './errors.js';
import type { ReviewDecisionInput } from './review.js';

/** How an audit was decided. */
export interface AuditOutcome {
  /** The reviewer chose another category: a new version of the result, decided by them, is current. */
  corrected: boolean;
}

/**
 * Decides the pending audit of a completed document: records the decision (reason `audit`, with the sample's rate),
 * closes the audit, and when the reviewer's category differs from the model's stores it as a new version of the
 * result, decided by them; the model's version stays queryable. One transaction, the audit locked: of two reviewers
 * deciding at once, the second gets a conflict.
 */
export async function decideAudit(
  deps: ServiceDeps,
  doc: { id: string; taxonomy: string },
  decision: ReviewDecisionInput,
): Promise<AuditOutcome> {
  const categories = deps.config.taxonomies.find((t) => t.name === doc.taxonomy)?.categories ?? [];
  if (!categories.includes(decision.category)) {
    throw new InvalidInputError(
      `"${decision.category}" is not in taxonomy "${doc.taxonomy}": use one of ${categories.join(', ')}`,
    );
  }
  return transaction(deps.pool, async (client) => {
    const audit = await pendingAuditOf(client, doc.id, true);
    const current = await getClassification(client, doc.id);
    if (!audit || !current) {
      throw new ConflictError(`document ${doc.id} has no review or audit pending: another reviewer decided it first`);
    }
    const corrected = decision.category !== audit.result.category;
    const { id: decisionId } = await insertReviewDecision(client, {
      decisionKey: `audit-${audit.id}`,
      documentId: doc.id,
      taxonomy: audit.taxonomy,
      reviewer: decision.reviewer,
      category: decision.category,
      reason: REVIEW_REASON.audit,
      suggestion: {
        category: audit.result.category,
        confidence: audit.result.confidence,
        model: audit.result.model,
        promptVersion: audit.result.promptVersion,
      },
      auditRate: audit.auditRate,
      pendingSince: audit.createdAt,
      ...(corrected ? { correctedResultVersion: audit.resultVersion } : {}),
    });
    await closeAudit(client, audit.id, decisionId);
    if (corrected) await storeCorrection(client, current, audit, decision);
    return { corrected };
  });
}

/** The reviewer's answer as the document's new current result, beside the model's audited one. */
async function storeCorrection(
  client: pg.PoolClient,
  current: ClassificationRecord,
  audit: PendingAudit,
  decision: ReviewDecisionInput,
): Promise<void> {
  // The audited result was confident and auto-accepted, never `unreviewed`; its tags (prompt hash, variant, injection
  // signals) stay with the correction.
  const result: DocumentResult = {
    ...current.result,
    category: decision.category,
    confidence: 1,
    reasoning: decision.note ? `human review: ${decision.note}` : 'human review',
    decidedBy: 'human',
    reviewer: decision.reviewer,
    ...(decision.note ? { note: decision.note } : {}),
    reviewReason: REVIEW_REASON.audit,
    suggestion: { category: audit.result.category, confidence: audit.result.confidence },
  };
  const { documentId, taxonomy, workflowId, runId } = current;
  await storeResultVersion(client, { documentId, taxonomy, workflowId, runId, result }, `audit-${audit.id}`);
}

import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { insertReviewDecision } from '../db/accuracy.js';
import { openAudit, supersedePendingAudits } from '../db/audits.js';
import { storeResultVersion, type NewClassification, type StoredVersion } from '../db/classifications.js';
import type { Pool } from '../db/pool.js';
import { transaction } from '../db/transaction.js';
import { isAudited } from '../shared/audit.js';
import { statusQuery } from '../shared/messages.js';
import type { DocumentResult } from '../shared/result.js';
import { callerExecution } from './execution.js';

export interface StoreClassificationInput {
  documentId: string;
  taxonomy: string;
  result: DocumentResult;
  /**
   * Equal to `result.unreviewed` (every workflow version sends both), which is what is stored; kept because running
   * workflows send it.
   */
  unreviewed?: boolean;
}

/** What `storeClassification` works with. */
export interface StoreClassificationDeps {
  pool: Pool;
  /** Asks a reviewed workflow since when its document waited (its `status` query); unset: unknown. */
  client?: Client;
  /** DOCKET_AUDIT_RATE: the share of confident, auto-accepted results also sent to review as audits. @default 0 */
  auditRate?: number;
}

/**
 * Builds the activity that stores a validated result as a new version of the document's result, once per workflow
 * run (a retry writes nothing twice). In the same transaction: a person's decision is recorded in review_decisions,
 * and a confident model result drawn by the audit sample opens a pending audit (the document is completed all the
 * same: the audit never holds it up).
 */
export function createStoreClassification(deps: StoreClassificationDeps) {
  return async function storeClassification(input: StoreClassificationInput): Promise<void> {
    const { workflowId, runId } = callerExecution();
    const record: NewClassification = {
      documentId: input.documentId,
      taxonomy: input.taxonomy,
      workflowId,
      runId,
      result: input.result,
    };
    const runKey = `${workflowId}/${runId}`;
    const human = input.result.decidedBy === 'human';
    const pendingSince = human ? await pendingSinceOf(deps.client, workflowId, runId) : undefined;
    await transaction(deps.pool, async (client) => {
      const stored = await storeResultVersion(client, record, runKey);
      if (!stored.inserted) return;
      if (human) await recordWorkflowReview(client, record, runKey, pendingSince);
      if (stored.current) await auditWhenDrawn(client, record, stored, deps.auditRate ?? 0);
    });
  };
}

/** How long a reviewed workflow may take to say since when it waited: the result is stored either way. */
const PENDING_SINCE_TIMEOUT_MS = 2_000;

/**
 * When the workflow's document began waiting for a person, from its `status` query (answered while this activity
 * runs); undefined when it does not answer in time or never recorded it (reviewer throughput then leaves it out).
 */
async function pendingSinceOf(
  client: Client | undefined,
  workflowId: string,
  runId: string,
): Promise<Date | undefined> {
  if (!client) return undefined;
  try {
    const progress = await client.withDeadline(Date.now() + PENDING_SINCE_TIMEOUT_MS, () =>
      client.workflow.getHandle(workflowId, runId).query(statusQuery),
    );
    return progress.pendingReviewSince ? new Date(progress.pendingReviewSince) : undefined;
  } catch {
    return undefined;
  }
}

/** A person decided the workflow's review: the decision, with the model's suggestion they saw. */
async function recordWorkflowReview(
  client: pg.PoolClient,
  record: NewClassification,
  runKey: string,
  pendingSince: Date | undefined,
): Promise<void> {
  const { result } = record;
  await insertReviewDecision(client, {
    decisionKey: runKey,
    pendingSince,
    documentId: record.documentId,
    taxonomy: record.taxonomy,
    reviewer: result.reviewer ?? 'unknown',
    category: result.category,
    // Results of workflows older than `reviewReason` do not say why they waited.
    reason: result.reviewReason ?? 'unknown',
    suggestion: result.suggestion && {
      ...result.suggestion,
      model: result.model,
      promptVersion: result.promptVersion,
    },
  });
}

/**
 * A new current result settles any audit of the one it replaced; a confident, auto-accepted one drawn by the sample
 * (by document id alone: `isAudited`) opens its own.
 */
async function auditWhenDrawn(
  client: pg.PoolClient,
  record: NewClassification,
  stored: StoredVersion,
  auditRate: number,
): Promise<void> {
  const { result } = record;
  const confident = result.decidedBy === 'model' && !result.unreviewed;
  if (!confident || !isAudited(record.documentId, auditRate)) {
    await supersedePendingAudits(client, record.documentId);
    return;
  }
  await openAudit(client, {
    documentId: record.documentId,
    taxonomy: record.taxonomy,
    resultVersion: stored.version,
    auditRate,
  });
}

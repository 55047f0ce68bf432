import type { Pool } from '../db/pool.js';
import { upsertClassification } from '../db/queries.js';
import type { DocumentResult } from '../shared/workflow-types.js';
import { callerExecution } from './execution.js';

export interface StoreClassificationInput {
  documentId: string;
  taxonomy: string;
  result: DocumentResult;
  /** The model's suggestion was accepted because the review deadline passed. */
  unreviewed?: boolean;
}

/** Builds the activity that writes a validated result with an idempotent upsert. */
export function createStoreClassification(deps: { pool: Pool }) {
  return async function storeClassification(input: StoreClassificationInput): Promise<void> {
    const execution = callerExecution();
    await upsertClassification(deps.pool, {
      documentId: input.documentId,
      category: input.result.category,
      confidence: input.result.confidence,
      reasoning: input.result.reasoning,
      decidedBy: input.result.decidedBy,
      reviewer: input.result.reviewer ?? null,
      reviewNote: input.result.note ?? null,
      unreviewed: input.unreviewed ?? false,
      model: input.result.model,
      promptVersion: input.result.promptVersion,
      taxonomy: input.taxonomy,
      workflowId: execution.workflowId,
      runId: execution.runId,
      reviewReason: input.result.reviewReason ?? null,
      suggestedCategory: input.result.suggestion?.category ?? null,
      suggestedConfidence: input.result.suggestion?.confidence ?? null,
      promptHash: input.result.promptHash ?? null,
      variant: input.result.variant ?? null,
      suspiciousInstructions: input.result.suspiciousInstructions ?? null,
    });
  };
}

import { upsertClassification } from '../db/classifications.js';
import type { Pool } from '../db/pool.js';
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

/** Builds the activity that writes a validated result with an idempotent upsert. */
export function createStoreClassification(deps: { pool: Pool }) {
  return async function storeClassification(input: StoreClassificationInput): Promise<void> {
    const { workflowId, runId } = callerExecution();
    await upsertClassification(deps.pool, {
      documentId: input.documentId,
      taxonomy: input.taxonomy,
      workflowId,
      runId,
      result: input.result,
    });
  };
}

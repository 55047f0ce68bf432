import type { Pool } from '../db/pool.js';
import { listBatchDocumentsPage } from '../db/queries.js';

export interface ListBatchDocumentsInput {
  batchId: string;
  afterPosition: number;
  limit: number;
}

export interface ListBatchDocumentsResult {
  /** The page in submission order; an empty page ends the batch. */
  items: { id: string; position: number; classified: boolean }[];
}

/** Builds the activity that pages through a batch's documents, marking those already classified. */
export function createListBatchDocuments(deps: { pool: Pool }) {
  return async function listBatchDocuments(input: ListBatchDocumentsInput): Promise<ListBatchDocumentsResult> {
    return { items: await listBatchDocumentsPage(deps.pool, input.batchId, input.afterPosition, input.limit) };
  };
}

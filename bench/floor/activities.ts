/**
 * The floor's activities: they do nothing, so that what the floor measures is the engine (the server, the SDK and
 * the worker) running Docket's shape of workflow, and none of Docket's own work.
 */

/** Document ids by position, as `listBatchDocuments` pages them out of the database. */
export interface ListFloorDocumentsInput {
  batchId: string;
  total: number;
  afterPosition: number;
  limit: number;
}

export interface ListFloorDocumentsResult {
  items: { id: string; position: number }[];
}

/** The activities of the floor worker; `onStored` hears each document's completion (its time is the bench's). */
export function createFloorActivities(onStored: (documentId: string) => void) {
  return {
    async listFloorDocuments(input: ListFloorDocumentsInput): Promise<ListFloorDocumentsResult> {
      const first = input.afterPosition + 1;
      const count = Math.max(0, Math.min(input.limit, input.total - first));
      return {
        items: Array.from({ length: count }, (_, i) => ({ id: `${input.batchId}-${first + i}`, position: first + i })),
      };
    },
    /** Stands for `storeClassification` on the workflow task queue. */
    async storeFloorResult(input: { documentId: string }): Promise<void> {
      onStored(input.documentId);
    },
  };
}

/** Stands for `classifyWithLlm` on the LLM task queue: answers at once. */
export async function callFloorModel(input: { documentId: string }): Promise<{ category: string; confidence: number }> {
  return { category: input.documentId.length % 2 === 0 ? 'business' : 'technical', confidence: 0.9 };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
export type FloorLlmActivities = { callFloorModel: typeof callFloorModel };

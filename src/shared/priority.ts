/**
 * Temporal task priorities of Docket's lanes (issue 18): keys run from 1 (dispatched first) to 5, and Temporal's
 * default is 3. A workflow's priority is inherited by its activities and child workflows, so setting it once at the
 * start puts every task of a document, its LLM calls included, in its lane.
 */
export const TASK_PRIORITY = {
  /** A document submitted on its own (`POST /v1/documents`, `docket submit` of one file): someone is waiting. */
  interactive: 2,
  /** A batch and its documents: backlog work, behind interactive documents, ahead of evaluations. */
  batch: 4,
  /** Comparing configurations on documents already classified: runs when nothing else waits. */
  evaluation: 5,
} as const;

/**
 * The fairness key of a batch's tasks: within the batch lane, Temporal dispatches the tasks of different keys in turn,
 * so batches submitted together share the provider's limit evenly whatever their sizes. A batch id is a UUID, well
 * within Temporal's 64 bytes.
 */
export function batchFairnessKey(batchId: string): string {
  return batchId;
}

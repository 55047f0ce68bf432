/**
 * Temporal task priorities of Docket's lanes (issue 18): keys run from 1 (dispatched first) to 5, and Temporal's
 * default is 3. A workflow's priority is inherited by its activities and child workflows, so setting it once at the
 * start puts every task of a document, its LLM calls included, in its lane.
 */
export const TASK_PRIORITY = {
  /** A document submitted on its own (`POST /v1/documents`, `docket submit` of one file): someone is waiting. */
  interactive: 2,
  /**
   * A batch and its documents: backlog work, behind interactive documents, ahead of evaluations. Each batch's id (a
   * UUID, within Temporal's 64 bytes) is its fairness key: batches submitted together take turns.
   */
  batch: 4,
  /** Comparing configurations on documents already classified: runs when nothing else waits. */
  evaluation: 5,
} as const;

/** The floor's own task queues (never Docket's, so that a stray Docket worker cannot take its tasks). */
export const FLOOR_TASK_QUEUE = 'floor';
export const FLOOR_LLM_TASK_QUEUE = 'floor-llm';

/** The batch parent's workflow id. */
export function floorBatchWorkflowId(batchId: string): string {
  return `floor-batch-${batchId}`;
}

/**
 * A workflow that makes one LLM call with `vision` set, for test/extraction/vision-call.test.ts: the vision path of
 * `classifyWithLlm` through a real LLM worker, before the document workflow passes `vision` itself.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ClassifyWithLlmInput, ClassifyWithLlmResult } from '../../../src/activities/classify-with-llm.js';
import type { LlmActivities } from '../../../src/activities/index.js';
import { LLM_TASK_QUEUE } from '../../../src/shared/names.js';

const { classifyWithLlm } = proxyActivities<LlmActivities>({
  taskQueue: LLM_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

export async function visionCallWorkflow(input: ClassifyWithLlmInput): Promise<ClassifyWithLlmResult> {
  return classifyWithLlm(input);
}

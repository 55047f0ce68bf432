import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { LlmActivities } from '../activities/index.js';
import type { ClassifyWithLlmResult } from '../activities/classify-with-llm.js';
import { LLM_TASK_QUEUE } from '../shared/names.js';
import type { CompareResult, CompareSide } from '../shared/compare.js';
import type { CompareInput } from '../shared/workflow-types.js';

const { classifyWithLlm } = proxyActivities<LlmActivities>({
  taskQueue: LLM_TASK_QUEUE,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

type Outcome =
  | { kind: 'valid'; category: string; result: ClassifyWithLlmResult }
  | { kind: 'invalid'; result: ClassifyWithLlmResult }
  | { kind: 'error' };

function summarise(config: CompareInput['a'], outcomes: Outcome[]): CompareSide {
  const answered = outcomes.flatMap((o) => (o.kind === 'error' ? [] : [o.result]));
  const latencies = answered.map((r) => r.latencyMs).sort((x, y) => x - y);
  return {
    promptVersion: config.promptVersion,
    model: config.model,
    valid: outcomes.filter((o) => o.kind === 'valid').length,
    invalid: outcomes.filter((o) => o.kind === 'invalid').length,
    errors: outcomes.filter((o) => o.kind === 'error').length,
    totalCostUsd: answered.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
    meanLatencyMs: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
    p95LatencyMs: latencies.length
      ? (latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.95) - 1)] ?? null)
      : null,
  };
}

/**
 * The offline A/B test: every document through configuration A and B (one call each, no repair, nothing stored as
 * a result), then agreement, cost and latency side by side. Calls are recorded in the ledger with purpose `compare`.
 */
export async function compareConfigurationsWorkflow(input: CompareInput): Promise<CompareResult> {
  const outcomes = { a: [] as Outcome[], b: [] as Outcome[] };
  const run = async (side: 'a' | 'b', documentId: string): Promise<Outcome> => {
    try {
      const result = await classifyWithLlm({
        documentId,
        taxonomy: input.taxonomy,
        promptVersion: input[side].promptVersion,
        model: input[side].model,
        purpose: 'compare',
      });
      return result.outcome === 'valid'
        ? { kind: 'valid', category: result.output.category, result }
        : { kind: 'invalid', result };
    } catch (err) {
      if (err instanceof ActivityFailure) return { kind: 'error' };
      throw err;
    }
  };
  const rows: CompareResult['rows'] = [];
  let next = 0;
  const lane = async () => {
    while (next < input.documentIds.length) {
      const index = next++;
      const documentId = input.documentIds[index]!;
      const [a, b] = await Promise.all([run('a', documentId), run('b', documentId)]);
      outcomes.a[index] = a;
      outcomes.b[index] = b;
      rows[index] = {
        documentId,
        a: a.kind === 'valid' ? a.category : null,
        b: b.kind === 'valid' ? b.category : null,
      };
    }
  };
  await Promise.all(Array.from({ length: input.concurrency ?? 8 }, lane));
  const both = rows.filter((r) => r.a !== null && r.b !== null);
  const agreed = both.filter((r) => r.a === r.b).length;
  return {
    compareId: input.compareId,
    documents: input.documentIds.length,
    bothValid: both.length,
    agreed,
    agreement: both.length ? agreed / both.length : null,
    a: summarise(input.a, outcomes.a),
    b: summarise(input.b, outcomes.b),
    rows,
  };
}

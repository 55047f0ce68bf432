import { z } from 'zod';
import type { BatchLimits, BatchLimitsPatch } from './batch-types.js';

/** OpenAI's limits: 50,000 requests and 200 MB per input file; no enqueued-token limit unless one is set. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxRequestsPerFile: 50_000,
  maxBytesPerFile: 200 * 1024 * 1024,
  maxEnqueuedTokens: {},
};

/** A partial set of limits as sent in a profile; a model's enqueued-token limit `null` lifts it. */
export const batchLimitsPatchSchema = z.strictObject({
  maxRequestsPerFile: z.int().min(1).optional(),
  maxBytesPerFile: z.int().min(1).optional(),
  maxEnqueuedTokens: z.record(z.string(), z.int().min(1).nullable()).optional(),
});

/** Applies a partial set of limits; enqueued-token limits are merged per model. */
export function mergeBatchLimits(base: BatchLimits, patch: BatchLimitsPatch | undefined): BatchLimits {
  if (!patch) return base;
  const maxEnqueuedTokens = { ...base.maxEnqueuedTokens };
  for (const [model, limit] of Object.entries(patch.maxEnqueuedTokens ?? {})) {
    if (limit === null) delete maxEnqueuedTokens[model];
    else maxEnqueuedTokens[model] = limit;
  }
  return {
    maxRequestsPerFile: patch.maxRequestsPerFile ?? base.maxRequestsPerFile,
    maxBytesPerFile: patch.maxBytesPerFile ?? base.maxBytesPerFile,
    maxEnqueuedTokens,
  };
}

/** The enqueued-token limit of `model` (a dated snapshot shares its model's limit), if any. */
export function enqueuedTokenLimit(limits: BatchLimits, model: string): number | undefined {
  return limits.maxEnqueuedTokens[model] ?? limits.maxEnqueuedTokens[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')];
}

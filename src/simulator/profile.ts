import { z } from 'zod';
import { batchClockPatchSchema, DEFAULT_BATCH_CLOCK } from './batch-clock.js';
import { batchLimitsPatchSchema, DEFAULT_BATCH_LIMITS, mergeBatchLimits } from './batch-limits.js';
import { groundTruthPatchSchema, mergeGroundTruth } from './ground-truth.js';
import { FAULT_KINDS, type SimulatorProfile, type SimulatorProfilePatch } from './types.js';

/** The profile of a simulator started without one: no latency, no faults, no limits. */
export const DEFAULT_PROFILE: SimulatorProfile = {
  latencyMs: { min: 0, max: 0 },
  faultRates: {},
  seed: 1,
  contextWindow: {},
  defaultRetryAfterMs: 1000,
  batchClock: DEFAULT_BATCH_CLOCK,
  batchLimits: DEFAULT_BATCH_LIMITS,
};

/** Context window of models the profile does not list. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

const nonNegative = z.number().min(0);

/** A limit, or null to lift it. */
const optionalLimit = z
  .int()
  .min(1)
  .nullable()
  .optional()
  .transform((value) => value ?? undefined);

/** A partial profile as sent to `PUT /_sim/profile` or in `SIMULATOR_PROFILE`. */
export const profilePatchSchema = z.strictObject({
  latencyMs: z
    .union([
      z.strictObject({ min: nonNegative, max: nonNegative }),
      z.strictObject({ p50: nonNegative, p95: nonNegative }),
    ])
    .optional(),
  faultRates: z.partialRecord(z.enum(FAULT_KINDS), z.number().min(0).max(1)).optional(),
  rpm: optionalLimit,
  tpm: optionalLimit,
  seed: z.int().optional(),
  contextWindow: z.record(z.string(), z.int().min(1)).optional(),
  defaultRetryAfterMs: nonNegative.optional(),
  obeyInstructions: z.boolean().optional(),
  textOnlyModels: z.array(z.string().min(1)).optional(),
  groundTruth: groundTruthPatchSchema.optional(),
  batchClock: batchClockPatchSchema.optional(),
  batchLimits: batchLimitsPatchSchema.optional(),
});

/**
 * Applies a partial profile; `contextWindow` entries are merged per model, the Batch API's clock and limits and ground
 * truth mode per field; `rpm: undefined` lifts the limit, `groundTruth: null` turns the mode off.
 */
export function mergeProfile(base: SimulatorProfile, patch: SimulatorProfilePatch): SimulatorProfile {
  const merged: SimulatorProfile = { ...base };
  const { batchClock, batchLimits, groundTruth, ...rest } = patch;
  for (const [key, value] of Object.entries(rest) as [keyof SimulatorProfile, unknown][]) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
    else if (key === 'rpm' || key === 'tpm') delete merged[key];
  }
  merged.contextWindow = { ...base.contextWindow, ...patch.contextWindow };
  merged.batchClock = { ...base.batchClock, ...withoutUndefined(batchClock ?? {}) };
  merged.batchLimits = mergeBatchLimits(base.batchLimits, batchLimits);
  if (groundTruth !== undefined) {
    const truth = mergeGroundTruth(base.groundTruth, groundTruth);
    if (truth) merged.groundTruth = truth;
    else delete merged.groundTruth;
  }
  return merged;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { z } from 'zod';
import {
  BATCH_FAULT_KINDS,
  type BatchFaultKind,
  type BatchFaultRule,
  type BatchFaultSpec,
  type BatchValidationError,
} from './batch-types.js';
import { OUTPUT_FAULTS } from './faults.js';
import type { Prng } from './prng.js';
import { FAULT_KINDS, type FaultKind } from './types.js';

/** Realtime faults that answer with an HTTP error, and so can be a batch line's error. */
export const LINE_ERROR_FAULTS: ReadonlySet<FaultKind> = new Set(
  FAULT_KINDS.filter((kind) => !OUTPUT_FAULTS.has(kind) && kind !== 'hang' && kind !== 'reset'),
);

const validationErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  line: z.int().min(1).nullable().optional(),
  param: z.string().nullable().optional(),
});

const batchFaultKindSchema = z.enum(BATCH_FAULT_KINDS);

/** A rule as sent to `POST /_sim/batch-rules`. */
export const batchFaultRuleSchema = z.strictObject({
  metadata: z.record(z.string(), z.string()).optional(),
  faults: z.array(
    z.union([
      batchFaultKindSchema,
      z.strictObject({
        kind: batchFaultKindSchema,
        customIds: z.array(z.string()).optional(),
        share: z.number().min(0).max(1).optional(),
        error: z
          .enum(FAULT_KINDS)
          .refine((kind) => LINE_ERROR_FAULTS.has(kind), { message: 'a batch line fails with an error fault' })
          .optional(),
        errors: z.array(validationErrorSchema).min(1).optional(),
        limit: z.int().min(1).optional(),
        ms: z.number().min(0).optional(),
        stage: z.enum(['content', 'finalizing']).optional(),
      }),
    ]),
  ),
  batches: z.int().min(1).optional(),
  repeat: z.boolean().optional(),
});

/** A Batch API fault with its parameters spelled out. */
export type ResolvedBatchFault = Exclude<BatchFaultSpec, string>;

/** The error a `validation_failed` fault reports unless given others. */
export const DEFAULT_VALIDATION_ERRORS: readonly BatchValidationError[] = [
  { code: 'invalid_json_line', line: 1, message: 'This line is not parseable as valid JSON.', param: null },
];

/** The rules in force; each applies to `batches` jobs (or every one with `repeat`). */
export class BatchRuleBook {
  private rules: { rule: BatchFaultRule; used: number }[] = [];

  add(rule: BatchFaultRule): void {
    this.rules.push({ rule: { ...rule, faults: [...rule.faults] }, used: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The faults of the first rule that matches a new job's metadata and has uses left, using one. */
  take(metadata: Record<string, string> | null): ResolvedBatchFault[] {
    for (const state of this.rules) {
      const { rule } = state;
      if (!rule.repeat && state.used >= (rule.batches ?? 1)) continue;
      const wanted = Object.entries(rule.metadata ?? {});
      if (!wanted.every(([key, value]) => metadata?.[key] === value)) continue;
      state.used += 1;
      return rule.faults.map((spec) => (typeof spec === 'string' ? { kind: spec } : { ...spec }));
    }
    return [];
  }
}

/** The faults of one kind among a job's faults. */
export function faultsOf(faults: readonly ResolvedBatchFault[], kind: BatchFaultKind): ResolvedBatchFault[] {
  return faults.filter((fault) => fault.kind === kind);
}

/**
 * The positions (in run order) of the lines a fault picks: those with its `customIds`, else `share` of them drawn
 * with the seed, else one drawn line.
 */
export function pickLines(fault: ResolvedBatchFault, customIds: readonly string[], prng: Prng): Set<number> {
  if (fault.customIds) {
    const wanted = new Set(fault.customIds);
    return new Set(customIds.flatMap((id, index) => (wanted.has(id) ? [index] : [])));
  }
  const count = fault.share === undefined ? 1 : Math.round(customIds.length * fault.share);
  const positions = customIds.map((_, index) => index);
  const picked = new Set<number>();
  for (let i = 0; i < Math.min(count, positions.length); i += 1) {
    const j = i + Math.floor(prng.next() * (positions.length - i));
    [positions[i], positions[j]] = [positions[j] ?? 0, positions[i] ?? 0];
    picked.add(positions[i] ?? 0);
  }
  return picked;
}

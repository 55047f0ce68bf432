import { z } from 'zod';
import type { Variant } from './split.js';

/** A configuration a comparison runs: a prompt version and a model. */
export const compareConfigurationSchema = z.object({
  promptVersion: z.string(),
  model: z.string(),
}) satisfies z.ZodType<Variant>;

/** One side of a comparison: its configuration, how its answers fared, and what they cost. */
export const compareSideSchema = compareConfigurationSchema.extend({
  valid: z.number().int(),
  invalid: z.number().int(),
  errors: z.number().int(),
  totalCostUsd: z.number(),
  meanLatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
});
export type CompareSide = z.infer<typeof compareSideSchema>;

/**
 * What `compareConfigurationsWorkflow` returns, declared once: the workflow builds it (importing only its type, so
 * this schema stays out of the workflow bundle), the API shows it, the CLI formats it.
 */
export const compareResultSchema = z.object({
  compareId: z.string(),
  documents: z.number().int(),
  bothValid: z.number().int().meta({ description: 'Documents where both sides gave a valid answer' }),
  agreed: z.number().int().meta({ description: 'Of those, how many got the same category' }),
  agreement: z.number().nullable(),
  a: compareSideSchema,
  b: compareSideSchema,
  rows: z.array(z.object({ documentId: z.string(), a: z.string().nullable(), b: z.string().nullable() })),
});
export type CompareResult = z.infer<typeof compareResultSchema>;

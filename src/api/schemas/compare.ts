import { z } from '@hono/zod-openapi';
import type { ComparisonStarted, ComparisonState } from '../../documents/compare.js';
import { assertSameType } from './same-type.js';

// The JSON of the comparison routes. The workflow's result type (src/shared/workflow-types.ts) and the service
// (src/documents/compare.ts) own these shapes; the checks below stop the build when they part ways.

const variantSchema = z.object({ promptVersion: z.string(), model: z.string() });

const sideSchema = variantSchema.extend({
  valid: z.number().int(),
  invalid: z.number().int(),
  errors: z.number().int(),
  totalCostUsd: z.number(),
  meanLatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
});

/** A finished comparison: agreement, cost and latency of each side, and each document's two answers. */
export const compareResultSchema = z
  .object({
    compareId: z.string(),
    documents: z.number().int(),
    bothValid: z.number().int().openapi({ description: 'Documents where both sides gave a valid answer' }),
    agreed: z.number().int().openapi({ description: 'Of those, how many got the same category' }),
    agreement: z.number().nullable(),
    a: sideSchema,
    b: sideSchema,
    rows: z.array(z.object({ documentId: z.string(), a: z.string().nullable(), b: z.string().nullable() })),
  })
  .openapi('CompareResult');

/** `202` answer of `POST /v1/compare`: the comparison's id and the two configurations, resolved. */
export const compareStartedSchema = z
  .object({ compareId: z.string(), documents: z.number().int(), a: variantSchema, b: variantSchema })
  .openapi('CompareStarted');
assertSameType<z.infer<typeof compareStartedSchema>, ComparisonStarted>();

/** `GET /v1/compare/:id`: running, failed (terminated, timed out…), or done with its result. */
export const comparisonSchema = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('running') }),
    z.object({ status: z.literal('failed'), reason: z.string() }),
    z.object({ status: z.literal('done'), result: compareResultSchema }),
  ])
  .openapi('Comparison');
assertSameType<z.infer<typeof comparisonSchema>, ComparisonState>();

import { z } from '@hono/zod-openapi';
import type { ComparisonStarted, ComparisonState } from '../../documents/compare.js';
import { compareConfigurationSchema, compareResultSchema as sharedCompareResultSchema } from '../../shared/compare.js';
import { assertSameType } from './same-type.js';

// The JSON of the comparison routes. The workflow's result is declared once (src/shared/compare.ts); the service
// (src/documents/compare.ts) owns the others, and the checks below stop the build when they part ways.

/** A finished comparison: agreement, cost and latency of each side, and each document's two answers. */
const compareResultSchema = sharedCompareResultSchema.meta({ id: 'CompareResult' });

/** `202` answer of `POST /v1/compare`: the comparison's id and the two configurations, resolved. */
export const compareStartedSchema = z
  .object({
    compareId: z.string(),
    documents: z.number().int(),
    a: compareConfigurationSchema,
    b: compareConfigurationSchema,
  })
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

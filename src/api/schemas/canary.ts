import { z } from '@hono/zod-openapi';
import { canarySettingsSchema } from '../../canary/schema.js';
import type { CanaryRow } from '../../db/canary.js';
import type { CanaryReport } from '../../reports/canary.js';
import { assertSameType, type Json } from './same-type.js';

// The JSON of the canary routes. src/canary/schema.ts declares the request (named here for OpenAPI only); the
// canary's row (src/db/canary.ts) and its report (src/reports/canary.ts) own the other shapes, and the checks below
// stop the build when a schema and its source's type part ways.

/**
 * Body of `POST /v1/canary`. zod gives a schema the methods its prototype has when the schema is built, and the
 * environment's parser may build this one before @hono/zod-openapi adds `.openapi`: a clone, built now, has it (and
 * the same definition).
 */
export const startCanarySchema = canarySettingsSchema.clone().openapi('StartCanary');

const variantSchema = z.object({ promptVersion: z.string(), model: z.string() });

/** A canary: its variants, its share of new documents, its automatic rollback rule and how it ended. */
export const canarySchema = z
  .object({
    id: z.number().int(),
    share: z.number(),
    baseline: variantSchema,
    candidate: variantSchema,
    maxParseFailureRate: z.number(),
    minCalls: z.number().int(),
    status: z.enum(['active', 'promoted', 'rolled_back']),
    reason: z.string().nullable(),
    startedAt: z.string().openapi({ description: 'ISO 8601' }),
    endedAt: z.string().nullable().openapi({ description: 'ISO 8601; null while active' }),
  })
  .openapi('Canary');
assertSameType<z.infer<typeof canarySchema>, Json<CanaryRow>>();

const rateSchema = z
  .object({
    count: z.number().int(),
    total: z.number().int(),
    rate: z.number().nullable(),
    low: z.number().nullable(),
    high: z.number().nullable(),
  })
  .openapi({ description: 'A proportion with its 95% Wilson score interval' });
const meanSchema = z
  .object({ n: z.number().int(), mean: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() })
  .openapi({ description: 'A mean with its 95% normal-approximation interval' });

const variantStatsSchema = z.object({
  variant: z.enum(['baseline', 'candidate']),
  promptVersion: z.string(),
  model: z.string(),
  calls: z.number().int(),
  parseFailure: rateSchema,
  lowConfidence: rateSchema,
  humanAgreement: rateSchema,
  costPerCallUsd: meanSchema,
  latencyMs: meanSchema,
});

/** `GET /v1/canary`: the newest canary and its variants compared since it started. */
export const canaryReportSchema = z
  .object({ canary: canarySchema, baseline: variantStatsSchema, candidate: variantStatsSchema })
  .openapi('CanaryReport');
assertSameType<z.infer<typeof canaryReportSchema>, Json<CanaryReport>>();

import { z } from '@hono/zod-openapi';
import { variantStatsSchema, type CanaryReport } from '../../canary/report.js';
import { canarySettingsSchema } from '../../canary/schema.js';
import { CANARY_STATUSES, type CanaryRow } from '../../db/canary.js';
import { assertSameType, type Json } from './same-type.js';

// The JSON of the canary routes. src/canary/ declares the request and the report's figures (named here for OpenAPI
// only); the canary itself is a database row (src/db/canary.ts), and the checks below stop the build when a schema
// and its source's type part ways.

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
    status: z.enum(CANARY_STATUSES),
    reason: z.string().nullable(),
    startedAt: z.string().openapi({ description: 'ISO 8601' }),
    endedAt: z.string().nullable().openapi({ description: 'ISO 8601; null while active' }),
  })
  .openapi('Canary');
assertSameType<z.infer<typeof canarySchema>, Json<CanaryRow>>();

/** `GET /v1/canary`: the newest canary and its variants compared since it started. */
export const canaryReportSchema = z
  .object({ canary: canarySchema, baseline: variantStatsSchema, candidate: variantStatsSchema })
  .openapi('CanaryReport');
assertSameType<z.infer<typeof canaryReportSchema>, Json<CanaryReport>>();

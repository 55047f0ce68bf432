import { z } from '@hono/zod-openapi';
import type { AgreementReport } from '../../reports/agreement.js';
import { REPORT_WARNING, type Report } from '../../reports/report.js';
import { assertSameType } from './same-type.js';
import { providerSchema } from './health.js';

// The JSON of `GET /v1/report` and `GET /v1/reports/agreement`. The builders in src/reports own these shapes; the
// checks below stop the build when a schema and its builder's type part ways.

const ratio = z.number().nullable();

const warningSchema = z.object({ code: z.enum(REPORT_WARNING), message: z.string() });

const agreementRowSchema = z.object({
  key: z.string(),
  decided: z.number().int(),
  agreed: z.number().int(),
  rate: ratio,
});

/** How often reviewers chose the model's suggestion: overall, by suggested category, prompt version and model. */
export const agreementSchema = z
  .object({
    overall: agreementRowSchema,
    byCategory: z.array(agreementRowSchema),
    byPromptVersion: z.array(agreementRowSchema),
    byModel: z.array(agreementRowSchema),
  })
  .openapi('Agreement');
assertSameType<z.infer<typeof agreementSchema>, AgreementReport>();

const costRowSchema = z.object({
  key: z.string(),
  calls: z.number().int(),
  pricedCalls: z.number().int(),
  unpricedCalls: z.number().int(),
  costUsd: z.number().nullable(),
  inputTokens: z.number().int(),
  cachedTokens: z.number().int(),
  outputTokens: z.number().int(),
});
const shareRowSchema = z.object({ key: z.string(), count: z.number().int(), share: ratio });
const percentilesSchema = z.object({
  count: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
const warnings = z.array(warningSchema);

const sections = {
  documents: z.object({
    total: z.number().int(),
    completed: z.number().int(),
    open: z.number().int(),
    decidedBy: z.object({ model: z.number().int(), human: z.number().int(), unreviewed: z.number().int() }),
  }),
  calls: z.object({
    total: z.number().int(),
    ok: z.number().int(),
    invalidOutput: z.number().int(),
    error: z.number().int(),
    unknownOutcome: z.number().int(),
  }),
  cost: z.object({
    totalUsd: z.number(),
    calls: z.number().int(),
    pricedCalls: z.number().int(),
    unpricedCalls: z.number().int(),
    unpricedModels: z.array(z.string()),
    byModel: z.array(costRowSchema),
    byPromptVersion: z.array(costRowSchema),
    byTaxonomy: z.array(costRowSchema),
    byDay: z.array(costRowSchema),
    warnings,
  }),
  tokens: z.object({
    input: z.number().int(),
    cached: z.number().int(),
    output: z.number().int(),
    cachedRatio: ratio,
    medianInputTokensOk: z.number().nullable(),
    warnings,
  }),
  latency: z.object({ all: percentilesSchema, ok: percentilesSchema, warnings }),
  finishReasons: z.object({ total: z.number().int(), rows: z.array(shareRowSchema), lengthShare: ratio, warnings }),
  parse: z.object({ answered: z.number().int(), failed: z.number().int(), rate: ratio }),
  errors: z.object({
    errorCalls: z.number().int(),
    errorRate: ratio,
    byClass: z.array(shareRowSchema),
    byType: z.array(shareRowSchema.extend({ errorClass: z.string() })),
  }),
  review: z.object({
    classified: z.number().int(),
    decidedByModel: z.number().int(),
    decidedByHuman: z.number().int(),
    unreviewed: z.number().int(),
    reviewRate: ratio,
    byReason: z.array(shareRowSchema),
    agreement: agreementSchema,
    notes: z.array(z.string()),
  }),
};

/** `GET /v1/report` as JSON: cost, tokens, latency, finish reasons, parse failures, errors, reviews, agreement. */
export const reportSchema = z
  .object({
    generatedAt: z.string().openapi({ description: 'ISO 8601' }),
    window: z.object({ since: z.string().nullable(), until: z.string().nullable() }),
    ...sections,
    provider: providerSchema
      .extend({ outageCalls: z.number().int() })
      .optional()
      .openapi({ description: 'Absent when the database has no provider state yet' }),
    warnings: warnings.openapi({ description: "Every section's warnings, in section order" }),
    simulated: z
      .boolean()
      .optional()
      .openapi({ description: "Present and true when the calls were answered by Docket's simulator, not a model" }),
  })
  .openapi('Report');
assertSameType<z.infer<typeof reportSchema>, Report>();

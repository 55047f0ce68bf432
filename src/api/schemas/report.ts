import { z } from '@hono/zod-openapi';
import { agreementReportSchema } from '../../reports/agreement.js';
import { reportSchema as builtReportSchema } from '../../reports/report.js';

// The JSON of `GET /v1/report` and `GET /v1/reports/agreement`: the report builders in src/reports own these schemas;
// here they only get their OpenAPI component names. zod copies `.openapi()` onto a schema when the schema is built,
// so a schema built before @hono/zod-openapi loaded has none: each is wrapped in an object built here, from its shape.

/** How often reviewers chose the model's suggestion: overall, by suggested category, prompt version and model. */
export const agreementSchema = z.object(agreementReportSchema.shape).openapi('Agreement');

/** `GET /v1/report` as JSON: cost, tokens, latency, finish reasons, parse failures, errors, reviews, agreement. */
export const reportSchema = z.object(builtReportSchema.shape).openapi('Report');

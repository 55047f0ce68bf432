import { agreementReportSchema } from '../../reports/agreement.js';
import { reportSchema as builtReportSchema } from '../../reports/report.js';

// The JSON of `GET /v1/report` and `GET /v1/reports/agreement`: the report builders in src/reports own these schemas;
// here they only get their OpenAPI component names.

/** How often reviewers chose the model's suggestion: overall, by suggested category, prompt version and model. */
export const agreementSchema = agreementReportSchema.openapi('Agreement');

/** `GET /v1/report` as JSON: cost, tokens, latency, finish reasons, parse failures, errors, reviews, agreement. */
export const reportSchema = builtReportSchema.openapi('Report');

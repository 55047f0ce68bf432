import { createRoute, z } from '@hono/zod-openapi';
import { listSamples } from '../../db/queries.js';
import { agreementReport } from '../../reports/agreement.js';
import { formatReportHtml } from '../../reports/format-html.js';
import { formatReportText } from '../../reports/format-text.js';
import { buildReport } from '../../reports/report.js';
import { errorResponse, errors, json, needsRole, security, type ApiApp, type AppDeps } from '../openapi.js';
import { agreementSchema, reportSchema } from '../schemas/report.js';
import { samplesSchema } from '../schemas/samples.js';
import { strictObject } from '../../validation/strict-object.js';
import { documentId, queryDate, queryInteger } from '../validation.js';

const reportQuery = strictObject(
  {
    since: queryDate.openapi({ description: 'ISO date or relative (24h, 7d)' }),
    until: queryDate,
    format: z.enum(['json', 'text', 'html']).default('json'),
  },
  'query parameter',
);

const samplesQuery = strictObject(
  {
    limit: queryInteger({ min: 1, max: 500, default: 20 }),
    failures: z.enum(['true', 'false']).optional(),
    document: documentId.optional(),
  },
  'query parameter',
);

type ReportDeps = Pick<AppDeps, 'pool' | 'config'>;

/** `GET /v1/report` (the cost and quality report), `GET /v1/reports/agreement`, and `GET /v1/samples`. */
export function registerReportRoutes(app: ApiApp, deps: ReportDeps): void {
  registerReport(app, deps);
  registerAgreement(app, deps);
  registerSamples(app, deps);
}

function registerReport(app: ApiApp, deps: ReportDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/report',
      summary: 'Cost, tokens, latency, finish reasons, parse failures, errors, reviews and human agreement',
      security,
      middleware: [needsRole(deps.config)] as const,
      request: { query: reportQuery },
      responses: {
        200: {
          content: { 'application/json': { schema: reportSchema }, 'text/html': { schema: z.string() } },
          description: 'The report (`format=text` answers text/plain)',
        },
        400: errorResponse('Bad date'),
        ...errors(401),
      },
    }),
    async (c) => {
      const { since, until, format } = c.req.valid('query');
      const report = await buildReport(deps.pool, {
        since,
        until,
        rateLimitAlertAfterMs: deps.config.llm.rateLimitAlertAfterMs,
        simulated: deps.config.simulated === true,
      });
      if (format === 'html') return c.html(formatReportHtml(report), 200);
      if (format === 'text') return c.text(formatReportText(report), 200);
      return c.json(report, 200);
    },
  );
}

function registerAgreement(app: ApiApp, deps: ReportDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/agreement',
      summary: "How often reviewers agree with the model's suggestion, by category, prompt version and model",
      security,
      middleware: [needsRole(deps.config)] as const,
      request: { query: strictObject({ since: queryDate }, 'query parameter') },
      responses: { 200: json(agreementSchema, 'Agreement'), 400: errorResponse('Bad date'), ...errors(401) },
    }),
    async (c) => c.json(await agreementReport(deps.pool, c.req.valid('query').since), 200),
  );
}

function registerSamples(app: ApiApp, deps: ReportDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/samples',
      summary:
        'Stored prompts and responses: every failure and a sampled share of calls (admin: they hold document text)',
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      request: { query: samplesQuery },
      responses: {
        200: json(samplesSchema, 'Samples, newest first'),
        400: errorResponse('Bad query'),
        ...errors(401),
        403: errorResponse('Not an admin token'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const samples = await listSamples(deps.pool, {
        limit: q.limit,
        failuresOnly: q.failures === 'true',
        ...(q.document ? { documentId: q.document } : {}),
      });
      return c.json({ samples }, 200);
    },
  );
}

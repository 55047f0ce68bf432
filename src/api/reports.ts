import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiToken, Config } from '../config.js';
import { listSamples } from '../db/queries.js';
import type { Pool } from '../db/pool.js';
import { agreementReport } from '../reports/agreement.js';
import { formatReportHtml } from '../reports/format-html.js';
import { formatReportText } from '../reports/format-text.js';
import { buildReport } from '../reports/report.js';
import { requireRole, type Principal } from './auth.js';
import { errorSchema } from './schemas.js';
import { documentId, queryDate, queryInteger, strictObject } from './validation.js';

const error = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description });

/** `GET /v1/report` (the cost and quality report), `GET /v1/reports/agreement`, and `GET /v1/samples`. */
export function registerReportRoutes(
  app: OpenAPIHono<{ Variables: { principal: Principal } }>,
  deps: { pool: Pool; config?: Pick<Config, 'simulated'> & { llm: { rateLimitAlertAfterMs: number } } },
  tokens: readonly ApiToken[],
): void {
  const rateLimitAlertAfterMs = deps.config?.llm.rateLimitAlertAfterMs;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/report',
      summary: 'Cost, tokens, latency, finish reasons, parse failures, errors, reviews and human agreement',
      security: [{ bearer: [] }],
      middleware: [requireRole(tokens)] as const,
      request: {
        query: strictObject(
          {
            since: queryDate.openapi({ description: 'ISO date or relative (24h, 7d)' }),
            until: queryDate,
            format: z.enum(['json', 'text', 'html']).default('json'),
          },
          'query parameter',
        ),
      },
      responses: {
        200: {
          content: { 'application/json': { schema: z.any() }, 'text/html': { schema: z.string() } },
          description: 'The report',
        },
        400: error('Bad date'),
        401: error('No valid bearer token'),
      },
    }),
    async (c) => {
      const { since, until, format } = c.req.valid('query');
      const report = await buildReport(deps.pool, {
        since,
        until,
        rateLimitAlertAfterMs,
        simulated: deps.config?.simulated === true,
      });
      if (format === 'html') return c.html(formatReportHtml(report), 200);
      if (format === 'text') return c.text(formatReportText(report), 200);
      return c.json(report, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/agreement',
      summary: "How often reviewers agree with the model's suggestion, by category, prompt version and model",
      security: [{ bearer: [] }],
      middleware: [requireRole(tokens)] as const,
      request: { query: strictObject({ since: queryDate }, 'query parameter') },
      responses: {
        200: { content: { 'application/json': { schema: z.any() } }, description: 'Agreement' },
        400: error('Bad date'),
      },
    }),
    async (c) => c.json(await agreementReport(deps.pool, c.req.valid('query').since), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/samples',
      summary:
        'Stored prompts and responses: every failure and a sampled share of calls (admin: they hold document text)',
      security: [{ bearer: [] }],
      middleware: [requireRole(tokens, 'admin')] as const,
      request: {
        query: strictObject(
          {
            limit: queryInteger({ min: 1, max: 500, default: 20 }),
            failures: z.enum(['true', 'false']).optional(),
            document: documentId.optional(),
          },
          'query parameter',
        ),
      },
      responses: {
        200: { content: { 'application/json': { schema: z.any() } }, description: 'Samples, newest first' },
        400: error('Bad query'),
        403: error('Not an admin token'),
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

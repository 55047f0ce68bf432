import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiToken, Config } from '../config.js';
import { listSamples } from '../db/queries.js';
import type { Pool } from '../db/pool.js';
import { agreementReport } from '../reports/agreement.js';
import { formatReportHtml } from '../reports/format-html.js';
import { formatReportText } from '../reports/format-text.js';
import { buildReport } from '../reports/report.js';
import { requireRole, type Principal } from './auth.js';
import { HttpError } from './http-error.js';
import { errorSchema } from './schemas.js';

const isoDate = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const relative = /^(\d+)([hd])$/.exec(raw);
    if (relative) return new Date(Date.now() - Number(relative[1]) * (relative[2] === 'h' ? 3_600_000 : 86_400_000));
    const date = new Date(raw);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a date: use an ISO date (2026-11-01) or 24h / 7d` });
      return z.NEVER;
    }
    return date;
  });

const error = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description });

/** `GET /v1/report` (the cost and quality report), `GET /v1/reports/agreement`, and `GET /v1/samples`. */
export function registerReportRoutes(
  app: OpenAPIHono<{ Variables: { principal: Principal } }>,
  deps: { pool: Pool; config?: Pick<Config, 'simulated'> },
  tokens: readonly ApiToken[],
): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/report',
      summary: 'Cost, tokens, latency, finish reasons, parse failures, errors, reviews and human agreement',
      security: [{ bearer: [] }],
      middleware: [requireRole(tokens)] as const,
      request: {
        query: z.object({
          since: isoDate.openapi({ description: 'ISO date or relative (24h, 7d)' }),
          until: isoDate,
          format: z.enum(['json', 'text', 'html']).default('json'),
        }),
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
      const report = await buildReport(deps.pool, { since, until, simulated: deps.config?.simulated === true });
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
      request: { query: z.object({ since: isoDate }) },
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
        query: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(20),
          failures: z.enum(['true', 'false']).optional(),
          document: z.string().optional(),
        }),
      },
      responses: {
        200: { content: { 'application/json': { schema: z.any() } }, description: 'Samples, newest first' },
        400: error('Bad query'),
        403: error('Not an admin token'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      if (q.document !== undefined && q.document.length === 0) throw new HttpError('bad_request', 'document is empty');
      const samples = await listSamples(deps.pool, {
        limit: q.limit,
        failuresOnly: q.failures === 'true',
        ...(q.document ? { documentId: q.document } : {}),
      });
      return c.json({ samples }, 200);
    },
  );
}

import { createRoute } from '@hono/zod-openapi';
import { getReclassifyReport, startReclassify } from '../../documents/reclassify.js';
import { jsonBodyOnPost } from '../json-body.js';
import { errorResponse, errors, json, needsRole, security, type ApiApp, type AppDeps } from '../openapi.js';
import { reclassifyReportSchema, reclassifyRequestSchema, reclassifyStartedSchema } from '../schemas/reclassify.js';
import { idParam } from '../validation.js';

/**
 * `POST /v1/reclassify` (run a selection of documents again under the current configuration, each result a new
 * version) and `GET /v1/reclassify/{id}` (its progress and what changed category).
 */
export function registerReclassifyRoutes(app: ApiApp, deps: AppDeps): void {
  app.use('/v1/reclassify', jsonBodyOnPost(16 * 1024));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reclassify',
      summary: 'Run a selection of classified documents again under the current configuration, keeping every result',
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      request: { body: { content: { 'application/json': { schema: reclassifyRequestSchema } }, required: true } },
      responses: { 202: json(reclassifyStartedSchema, 'Started'), ...errors(400, 401, 403, 413, 415, 503) },
    }),
    async (c) => {
      const { selection } = c.req.valid('json');
      return c.json(await startReclassify(deps, selection, c.get('principal').name), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reclassify/{id}',
      summary: "A reclassification's progress and the documents that changed category, old → new",
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      request: { params: idParam },
      responses: {
        200: json(reclassifyReportSchema, 'The reclassification'),
        ...errors(400, 401, 403),
        404: errorResponse('Unknown reclassification'),
      },
    }),
    async (c) => c.json(await getReclassifyReport(deps, c.req.valid('param').id), 200),
  );
}

import { createRoute } from '@hono/zod-openapi';
import { getComparison, startComparison } from '../../documents/compare.js';
import { jsonBodyOnPost } from '../json-body.js';
import { errorResponse, errors, json, needsRole, security, type ApiApp, type AppDeps } from '../openapi.js';
import { compareStartedSchema, comparisonSchema } from '../schemas/compare.js';
import { compareSchema } from '../schemas/requests.js';
import { idParam } from '../validation.js';

/** `POST /v1/compare` and `GET /v1/compare/{id}`: the same documents through two configurations, side by side. */
export function registerCompareRoutes(app: ApiApp, deps: AppDeps): void {
  // Room for several documents of the largest size, JSON-escaped.
  const bodyLimit = deps.config.api.maxDocumentBytes * 6 * 8;
  app.use('/v1/compare', jsonBodyOnPost(bodyLimit));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/compare',
      summary: 'Run the same documents through two prompt/model configurations (offline A/B test)',
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      request: { body: { content: { 'application/json': { schema: compareSchema } }, required: true } },
      responses: {
        202: json(compareStartedSchema, 'Started'),
        ...errors(400, 401, 403, 413, 415),
        409: errorResponse('An id exists with other text'),
      },
    }),
    async (c) => c.json(await startComparison(deps, c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/compare/{id}',
      summary: "A comparison's result: agreement, cost and latency side by side (status running until done)",
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      request: { params: idParam },
      responses: {
        200: json(comparisonSchema, 'The comparison'),
        ...errors(400, 401, 403),
        404: errorResponse('Unknown comparison'),
      },
    }),
    async (c) => c.json(await getComparison(deps, c.req.valid('param').id), 200),
  );
}

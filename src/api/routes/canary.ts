import { createRoute } from '@hono/zod-openapi';
import { endCanary, type CanaryEnd } from '../../canary/end.js';
import { getCanaryReport } from '../../canary/report.js';
import { startCanary } from '../../canary/start.js';
import { jsonBody } from '../json-body.js';
import { errorResponse, errors, json, needsRole, security, type ApiApp, type AppDeps } from '../openapi.js';
import { canaryReportSchema, canarySchema, startCanarySchema } from '../schemas/canary.js';

const ACTIONS: Record<CanaryEnd, string> = {
  promote: 'Promote the candidate: every new document uses it',
  rollback: 'Roll the canary back: every new document uses the baseline',
};

/** The canary of the classification task: `GET /v1/canary` (compare), start, promote, roll back. */
export function registerCanaryRoutes(app: ApiApp, deps: AppDeps): void {
  registerReport(app, deps);
  registerStart(app, deps);
  for (const action of Object.keys(ACTIONS) as CanaryEnd[]) registerEnd(app, deps, action);
}

function registerReport(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/canary',
      summary: 'The newest canary and its variants compared, with 95% intervals',
      security,
      middleware: [needsRole(deps.config)] as const,
      responses: {
        200: json(canaryReportSchema, 'The canary report'),
        ...errors(401),
        404: errorResponse('No canary ever ran'),
      },
    }),
    async (c) => c.json(await getCanaryReport(deps), 200),
  );
}

function registerStart(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/canary',
      summary: 'Start a canary: a share of new documents (chosen from their id) use a candidate prompt and/or model',
      security,
      middleware: [needsRole(deps.config, 'admin'), jsonBody(16 * 1024)] as const,
      request: { body: { content: { 'application/json': { schema: startCanarySchema } }, required: true } },
      responses: {
        201: json(canarySchema, 'Started'),
        400: errorResponse('Bad candidate'),
        ...errors(401, 403),
        409: errorResponse('A canary is already active'),
        413: errorResponse('Body too large'),
        ...errors(415),
      },
    }),
    async (c) => c.json(await startCanary(deps, c.req.valid('json'), c.get('principal').name), 201),
  );
}

function registerEnd(app: ApiApp, deps: AppDeps, action: CanaryEnd): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: `/v1/canary/${action}`,
      summary: ACTIONS[action],
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      responses: { 200: json(canarySchema, 'Done'), ...errors(401, 403), 409: errorResponse('No canary is active') },
    }),
    async (c) => c.json(await endCanary(deps, action, c.get('principal').name), 200),
  );
}

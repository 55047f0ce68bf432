import { OpenAPIHono } from '@hono/zod-openapi';
import { authenticateRequest } from './auth.js';
import { HttpError, toHttpError } from './http-error.js';
import { validationHook, type ApiEnv, type AppDeps } from './openapi.js';
import { registerBatchRoutes } from './routes/batches.js';
import { registerCanaryRoutes } from './routes/canary.js';
import { registerCodecRoutes } from './routes/codec.js';
import { registerCompareRoutes } from './routes/compare.js';
import { registerDocumentFileRoutes } from './routes/document-files.js';
import { registerDocumentRoutes } from './routes/documents.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerHome } from './routes/home.js';
import { registerReclassifyRoutes } from './routes/reclassify.js';
import { registerReportRoutes } from './routes/reports.js';
import { registerReviewPage } from './routes/review-page.js';
import { registerReviewRoutes } from './routes/reviews.js';
import { unavailableError } from './unavailable.js';

/**
 * Builds the HTTP API (DESIGN.md §4); testable in-process with `app.request(...)`.
 *
 * Every resource registers its routes on this one app (`registerXRoutes(app, deps)`) rather than on a sub-app
 * mounted with `app.route()`: one validation hook, one error handler and one OpenAPI registry then serve every
 * route, and the middleware below (authentication before any body is read) visibly runs before all of them.
 */
export function createApp(deps: AppDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.onError((err, c) => {
    const known = toHttpError(err);
    if (known) return c.json(known.toBody(), known.status);
    const unavailable = unavailableError(err);
    if (unavailable) {
      deps.logger.warn({ path: c.req.path, reason: unavailable.message }, 'dependency unavailable');
      return c.json(unavailable.toBody(), unavailable.status);
    }
    deps.logger.error({ err, path: c.req.path }, 'request failed');
    return c.json(new HttpError('internal', 'internal error; see the API logs').toBody(), 500);
  });
  app.notFound((c) => c.json(new HttpError('not_found', `no route ${c.req.method} ${c.req.path}`).toBody(), 404));

  // Authentication first: a caller without a valid token gets 401 before its body is looked at.
  app.use('/v1/*', authenticateRequest(deps.config.api.tokens ?? []));

  registerHealthRoutes(app, deps);
  registerDocumentRoutes(app, deps);
  registerDocumentFileRoutes(app, deps);
  registerReviewRoutes(app, deps);
  registerBatchRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerCanaryRoutes(app, deps);
  registerCompareRoutes(app, deps);
  registerReclassifyRoutes(app, deps);
  registerCodecRoutes(app, deps);
  registerReviewPage(app, deps);
  registerHome(app, deps);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Docket API', version: '1', description: 'Durable LLM document classification' },
  });
  return app;
}

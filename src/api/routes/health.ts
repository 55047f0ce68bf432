import { createRoute } from '@hono/zod-openapi';
import { readProviderHealth } from '../../db/provider-health.js';
import { providerHealthView } from '../../reports/provider-health.js';
import { checkHealth } from '../health-check.js';
import { json, type ApiApp, type AppDeps } from '../openapi.js';
import { healthSchema } from '../schemas/health.js';

/** `GET /healthz` (no token): whether the API reaches Temporal and the database, answered within 2 s. */
export function registerHealthRoutes(app: ApiApp, deps: Pick<AppDeps, 'pool' | 'client' | 'config'>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Whether the API reaches Temporal and the database, answered within 2 s (no token needed)',
      responses: {
        200: json(healthSchema, 'Temporal and the database are reachable'),
        503: json(healthSchema, 'Temporal or the database is unreachable'),
      },
    }),
    async (c) => {
      const health = await checkHealth(deps);
      // Reported, not checked: a provider outage or rate-limit storm does not make the API unhealthy.
      const provider =
        health.database === 'ok' ? await readProviderHealth(deps.pool).catch(() => undefined) : undefined;
      const alertAfterMs = deps.config.llm.rateLimitAlertAfterMs;
      return c.json(
        { ...health, ...(provider ? { provider: providerHealthView(provider, alertAfterMs) } : {}) },
        health.status === 'ok' ? 200 : 503,
      );
    },
  );
}

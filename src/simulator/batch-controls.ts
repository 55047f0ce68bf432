import type { Hono, MiddlewareHandler } from 'hono';
import { batchFaultRuleSchema } from './batch-faults.js';
import { z } from 'zod';
import { BATCH_API_OPERATIONS, type BatchApiOperation } from './batch-types.js';
import { controlError, type Env } from './http.js';
import type { SimulatorState } from './state.js';

/** Records every Files and Batches request, before authentication, so that refused ones count too. */
export function batchApiRecorder(state: SimulatorState): MiddlewareHandler<Env> {
  return async (c, next) => {
    const operation = operationOf(c.req.method, c.req.path);
    if (!operation) return next();
    const recorded = state.recordBatchApi(operation, c.req.method, c.req.path, Date.now());
    c.set('batchApiRequest', recorded);
    await next();
    recorded.status = c.res.status;
    recorded.finishedAt = Date.now();
    const delay = state.batchApiDelays.get(operation);
    if (delay && delay.times > 0) {
      delay.times--;
      await new Promise((resolve) => setTimeout(resolve, delay.ms));
    }
  };
}

const batchApiDelaySchema = z.strictObject({
  operation: z.enum(BATCH_API_OPERATIONS),
  ms: z.number().min(0).max(600_000),
  /** @default 1 */
  times: z.int().min(1).optional(),
});

/** `/_sim/*` controls of the Batch API: fault rules, recorded requests, jobs with their lines' billing. */
export function registerBatchControls(app: Hono<Env>, state: SimulatorState): void {
  app.post('/_sim/batch-rules', async (c) => {
    const parsed = batchFaultRuleSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(controlError(parsed.error.message), 400);
    state.batchRules.add(parsed.data);
    return c.json({ ok: true }, 201);
  });
  // The next `times` answers of `operation` are held back `ms` after the operation took effect.
  app.post('/_sim/batch-api-delays', async (c) => {
    const parsed = batchApiDelaySchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(controlError(parsed.error.message), 400);
    state.batchApiDelays.set(parsed.data.operation, { ms: parsed.data.ms, times: parsed.data.times ?? 1 });
    return c.json({ ok: true }, 201);
  });
  app.delete('/_sim/batch-rules', (c) => {
    state.batchRules.clear();
    return c.body(null, 204);
  });
  app.get('/_sim/batch-requests', (c) => {
    const operation = c.req.query('operation');
    const requests = state.batchApiRequests;
    return c.json(operation === undefined ? requests : requests.filter((r) => r.operation === operation));
  });
  app.get('/_sim/batches', (c) => c.json(state.batchJobReports(state.settledNow())));
}

/** The SDK's name for a Files or Batches request, or undefined for any other path. */
function operationOf(method: string, path: string): BatchApiOperation | undefined {
  const match = /^\/v1\/(files|batches)(?:\/([^/]+)(?:\/(content|cancel))?)?\/?$/.exec(path);
  if (!match) return undefined;
  const [, resource, id, action] = match;
  if (resource === 'files') {
    if (action === 'content') return method === 'GET' ? 'files.content' : undefined;
    if (action !== undefined) return undefined;
    if (id === undefined) return method === 'POST' ? 'files.create' : method === 'GET' ? 'files.list' : undefined;
    return method === 'GET' ? 'files.retrieve' : method === 'DELETE' ? 'files.delete' : undefined;
  }
  if (action === 'cancel') return method === 'POST' ? 'batches.cancel' : undefined;
  if (action !== undefined) return undefined;
  if (id === undefined) return method === 'POST' ? 'batches.create' : method === 'GET' ? 'batches.list' : undefined;
  return method === 'GET' ? 'batches.retrieve' : undefined;
}

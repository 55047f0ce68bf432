import { randomBytes } from 'node:crypto';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { batchApiRecorder, registerBatchControls } from './batch-controls.js';
import { registerBatchRoutes } from './batches-routes.js';
import { answerChatCall, checkChatCall } from './chat-answer.js';
import { faultRuleSchema, outageSchema, retryAfterHeaders } from './faults.js';
import {
  formatDuration,
  missingApiKey,
  modelNotFound,
  rateLimitExceeded,
  requestTooLarge,
  unknownUrl,
  unparseableBody,
} from './openai-errors.js';
import { registerFileRoutes } from './files-routes.js';
import { profilePatchSchema } from './profile.js';
import { bearerToken, controlError, send, type Env, type JsonAnswer, type SimContext } from './http.js';
import { MODELS, type SimulatorState } from './state.js';
import { registerTruthControls } from './truth-controls.js';
import type { RecordedRequest } from './types.js';

/** How a wait ended. */
type WaitOutcome = 'elapsed' | 'client_closed' | 'simulator_closed';

/**
 * The simulator's HTTP app: OpenAI's `/v1/models`, `/v1/chat/completions`, Files and Batches APIs, and the `/_sim/*`
 * controls (ground truth mode's included). It needs the Node bindings of `@hono/node-server` to hang and reset
 * connections.
 */
export function createSimulatorApp(state: SimulatorState): Hono<Env> {
  const app = new Hono<Env>();

  app.use('/v1/*', batchApiRecorder(state));
  app.use('/v1/*', async (c, next) => {
    c.set('startedAt', Date.now());
    c.set('requestId', `req_${randomBytes(16).toString('hex')}`);
    if (!bearerToken(c)) {
      if (c.req.path === '/v1/chat/completions') {
        const recorded = state.record(c.req.path, Date.now());
        return finish(c, state, recorded, missingApiKey());
      }
      return send(c, state, missingApiKey());
    }
    await next();
  });

  app.get('/v1/models', (c) =>
    send(c, state, { status: 200, body: { object: 'list', data: MODELS.map((m) => modelObject(m.id, m.created)) } }),
  );

  app.get('/v1/models/:id', (c) => {
    const id = c.req.param('id');
    const model = MODELS.find((m) => m.id === id);
    return send(c, state, model ? { status: 200, body: modelObject(model.id, model.created) } : modelNotFound(id));
  });

  app.post('/v1/chat/completions', (c) => chatCompletion(c, state));
  registerFileRoutes(app, state);
  registerBatchRoutes(app, state);

  app.post('/_sim/rules', async (c) => {
    const parsed = faultRuleSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(controlError(parsed.error.message), 400);
    state.rules.add(parsed.data);
    return c.json({ ok: true }, 201);
  });
  app.delete('/_sim/rules', (c) => {
    state.rules.clear();
    return c.body(null, 204);
  });
  app.get('/_sim/requests', (c) => {
    const match = c.req.query('match');
    return c.json(match === undefined ? state.requests : state.requests.filter((r) => r.userText.includes(match)));
  });
  app.get('/_sim/profile', (c) => c.json(state.profile));
  app.put('/_sim/profile', async (c) => {
    const parsed = profilePatchSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(controlError(parsed.error.message), 400);
    state.setProfile(parsed.data);
    return c.json(state.profile);
  });
  app.post('/_sim/outage', async (c) => {
    const parsed = outageSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(controlError(parsed.error.message), 400);
    state.startOutage(parsed.data.durationMs, parsed.data.kind);
    return c.json({ ok: true }, 201);
  });
  app.delete('/_sim/outage', (c) => {
    state.endOutage();
    return c.body(null, 204);
  });
  registerBatchControls(app, state);
  registerTruthControls(app, state);
  app.post('/_sim/reset', (c) => {
    state.reset();
    return c.body(null, 204);
  });

  app.notFound((c) => {
    if (c.req.path.startsWith('/v1/')) return send(c, state, unknownUrl(c.req.method, c.req.path));
    return c.json(controlError(`Not found: ${c.req.method} ${c.req.path}`), 404);
  });

  return app;
}

async function chatCompletion(c: SimContext, state: SimulatorState): Promise<Response> {
  const recorded = state.record(c.req.path, c.get('startedAt'));
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return finish(c, state, recorded, unparseableBody());
  }
  const checked = checkChatCall(state, body);
  if (checked.call) {
    recorded.model = checked.call.request.model;
    recorded.userText = checked.call.userText;
    recorded.promptTokens = checked.call.promptTokens;
    if (checked.call.images) {
      recorded.images = checked.call.images.count;
      recorded.imageTokens = checked.call.images.tokens;
    }
  }
  if (checked.error) return finish(c, state, recorded, checked.error);
  const { call } = checked;

  const admission = state.limiter.admit(Date.now(), state.profile, call.promptTokens + (call.completionCap ?? 0));
  if ('refusal' in admission) {
    const { dimension, limit, used, requested, retryAfterMs } = admission.refusal;
    const model = call.request.model;
    if (retryAfterMs === undefined) return finish(c, state, recorded, requestTooLarge(model, limit, requested));
    const answer = rateLimitExceeded(model, dimension, limit, used, requested, retryAfterMs);
    const headers = retryAfterHeaders(retryAfterMs, false);
    headers[`x-ratelimit-remaining-${dimension}`] = '0';
    headers[`x-ratelimit-reset-${dimension}`] = formatDuration(retryAfterMs);
    recorded.retryAfterMs = retryAfterMs;
    return finish(c, state, recorded, { ...answer, headers });
  }

  const fault = state.outageFault(Date.now()) ?? state.nextFault(recorded.userText, call.request.model);
  const latencyMs = fault?.latencyMs ?? state.nextLatency();
  if (fault) recorded.fault = fault.kind;

  if (fault?.kind === 'hang') {
    await waitFor(c, state, undefined);
    recorded.finishedAt = Date.now();
    return RESPONSE_ALREADY_SENT;
  }
  if ((await waitFor(c, state, latencyMs)) !== 'elapsed') {
    recorded.finishedAt = Date.now();
    return RESPONSE_ALREADY_SENT;
  }
  if (fault?.kind === 'reset') {
    c.env.incoming.socket.destroy();
    recorded.finishedAt = Date.now();
    return RESPONSE_ALREADY_SENT;
  }

  const { completion, error } = answerChatCall(state, call, fault, bearerToken(c) ?? '');
  if (error) {
    const retryAfterMs = error.headers?.['retry-after-ms'];
    if (retryAfterMs !== undefined) recorded.retryAfterMs = Number(retryAfterMs);
    return finish(c, state, recorded, error);
  }
  admission.entry.tokens = completion.usage.total_tokens;
  return finish(c, state, recorded, { status: 200, body: completion });
}

/** Completes the record of a request and sends its answer. */
function finish(c: SimContext, state: SimulatorState, recorded: RecordedRequest, answer: JsonAnswer): Response {
  recorded.status = answer.status;
  recorded.finishedAt = Date.now();
  return send(c, state, answer);
}

/**
 * Waits `ms` (forever when undefined) unless the client goes away or the simulator closes first; either of those
 * destroys the socket, so that nothing is left half-open.
 */
function waitFor(c: SimContext, state: SimulatorState, ms: number | undefined): Promise<WaitOutcome> {
  const { incoming, outgoing } = c.env;
  if (outgoing.destroyed || incoming.socket.destroyed) return Promise.resolve('client_closed');
  if (ms !== undefined && ms <= 0) return Promise.resolve('elapsed');
  return new Promise((resolve) => {
    const end = (outcome: WaitOutcome): void => {
      clearTimeout(timer);
      outgoing.off('close', onClientClose);
      unregister();
      if (outcome !== 'elapsed') incoming.socket.destroy();
      resolve(outcome);
    };
    const onClientClose = (): void => end('client_closed');
    const timer = ms === undefined ? undefined : setTimeout(() => end('elapsed'), ms);
    outgoing.once('close', onClientClose);
    const unregister = state.onClose(() => end('simulator_closed'));
  });
}

function modelObject(id: string, created: number): Record<string, unknown> {
  return { id, object: 'model', created, owned_by: 'system' };
}

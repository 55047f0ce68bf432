import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { BatchApiRequest } from './batch-types.js';
import { formatDuration } from './openai-errors.js';
import type { SimulatorState } from './state.js';

/**
 * The simulator's Hono environment: Node bindings (to hang and reset sockets) and per-request values, among them the
 * record of a Files or Batches request, which its route completes with the ids it handled.
 */
export type Env = {
  Bindings: HttpBindings;
  Variables: { startedAt: number; requestId: string; batchApiRequest: BatchApiRequest | undefined };
};
export type SimContext = Context<Env>;

/** A status, a JSON body and extra headers. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string> | undefined;
  /** Leave out the `x-ratelimit-*` headers. */
  bare?: boolean;
}

/** Sends a JSON answer with the headers OpenAI puts on every response, plus the simulator's own marker. */
export function send(c: SimContext, state: SimulatorState, answer: JsonAnswer): Response {
  const now = Date.now();
  const limits = state.limiter.snapshot(now, state.profile);
  const headers = new Headers({
    'content-type': 'application/json',
    'x-docket-simulator': 'true',
    'x-request-id': c.get('requestId'),
    'openai-version': '2020-10-01',
    'openai-organization': 'org-docket-simulator',
    'openai-processing-ms': String(now - c.get('startedAt')),
    ...(answer.bare
      ? {}
      : {
          'x-ratelimit-limit-requests': String(limits.limitRequests),
          'x-ratelimit-remaining-requests': String(limits.remainingRequests),
          'x-ratelimit-reset-requests': formatDuration(limits.resetRequestsMs),
          'x-ratelimit-limit-tokens': String(limits.limitTokens),
          'x-ratelimit-remaining-tokens': String(limits.remainingTokens),
          'x-ratelimit-reset-tokens': formatDuration(limits.resetTokensMs),
        }),
  });
  for (const [name, value] of Object.entries(answer.headers ?? {})) headers.set(name, value);
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}

/** Sends a Files or Batches answer: without `x-ratelimit-*` headers, since the Batch API has its own limits. */
export function reply(c: SimContext, state: SimulatorState, answer: JsonAnswer): Response {
  return send(c, state, { ...answer, bare: true });
}

/** The bearer token of the request, or undefined when there is none or it is empty. */
export function bearerToken(c: SimContext): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

/** The error body of a `/_sim/*` control request. */
export function controlError(message: string): { error: { message: string; type: string; param: null; code: null } } {
  return { error: { message, type: 'invalid_request_error', param: null, code: null } };
}

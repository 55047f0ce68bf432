import { ApplicationFailure, Context } from '@temporalio/activity';
import type { WebhookConfig } from '../config.js';
import type { Logger } from '../logger.js';
import {
  WEBHOOK_ERROR_TYPES,
  webhookIdSchema,
  webhookPayloadSchema,
  type DeliverWebhookInput,
  type DeliverWebhookResult,
} from '../shared/webhooks.js';
import { signWebhook, WEBHOOK_HEADERS } from './signature.js';

/** How long a receiver has to answer one attempt: Standard Webhooks recommends 15 to 30 s. */
export const WEBHOOK_REQUEST_TIMEOUT_MS = 15_000;

/** The longest `Retry-After` honoured; a longer one waits this long (the retry policy's own maximum interval). */
const MAX_RETRY_AFTER_MS = 4 * 3_600_000;

export interface WebhookDeliveryDeps {
  /** DOCKET_WEBHOOK_URL and its keys; undefined: nothing is sent. */
  webhook: WebhookConfig | undefined;
  logger: Logger;
  /** @default WEBHOOK_REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number;
}

/** What an attempt came to: delivered, worth another attempt, or pointless to repeat. */
type Verdict = 'delivered' | 'retry' | 'reject';

/**
 * 2xx delivers. 5xx, 408 (request timeout) and 429 (rate limited) may pass later: retried. Anything else, redirects
 * included (Standard Webhooks: update the URL rather than follow them; a redirect could also point a signed request
 * anywhere), cannot change by repeating it: not retried.
 */
export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 500 || status === 408 || status === 429) return 'retry';
  return 'reject';
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), capped; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(Math.round(ms), MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * Builds the `deliverWebhook` activity: POSTs one event, signed with every key of DOCKET_WEBHOOK_SECRET, to
 * DOCKET_WEBHOOK_URL; Temporal retries it by `WEBHOOK_RETRY_POLICY` (src/shared/webhooks.ts). Each attempt is signed
 * afresh with its own timestamp and the same `webhook-id`. Logs and failures name the receiver by its origin only (a
 * URL's path often holds a token) and never hold a key.
 */
export function createDeliverWebhook(deps: WebhookDeliveryDeps) {
  const timeoutMs = deps.requestTimeoutMs ?? WEBHOOK_REQUEST_TIMEOUT_MS;
  return async function deliverWebhook(input: DeliverWebhookInput): Promise<DeliverWebhookResult> {
    const { attempt } = Context.current().info;
    if (!deps.webhook) return { outcome: 'skipped', attempt };
    const { url, secrets } = deps.webhook;
    const body = validBody(input);
    const receiver = new URL(url).origin;
    const log = { webhookId: input.id, event: input.payload.type, attempt, receiver };
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await post(url, body, {
      'content-type': 'application/json',
      'user-agent': 'Docket-Webhooks/1',
      [WEBHOOK_HEADERS.id]: input.id,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhook(secrets, input.id, timestamp, body),
    }).catch((err: unknown) => {
      throw unreachable(err, log, deps.logger);
    });
    // The answer's body means nothing to Docket; release the connection.
    await response.body?.cancel().catch(() => undefined);
    const verdict = verdictOf(response.status);
    if (verdict === 'delivered') {
      deps.logger.info({ ...log, status: response.status }, 'webhook delivered');
      return { outcome: 'delivered', status: response.status, attempt };
    }
    const message = `webhook ${input.payload.type} ${input.id}: ${receiver} answered ${response.status}`;
    if (verdict === 'reject') {
      deps.logger.error({ ...log, status: response.status }, 'webhook rejected by its receiver; not retried');
      throw ApplicationFailure.create({ type: WEBHOOK_ERROR_TYPES.rejected, message, nonRetryable: true });
    }
    deps.logger.warn({ ...log, status: response.status }, 'webhook not delivered; retrying');
    throw ApplicationFailure.create({
      type: WEBHOOK_ERROR_TYPES.unavailable,
      message,
      nextRetryDelay: retryAfterMs(response.headers.get('retry-after')),
    });
  };

  function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), Context.current().cancellationSignal]);
    return fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
  }
}

/** The JSON body of a valid input; an invalid one is a caller's bug that no retry can fix. */
function validBody(input: DeliverWebhookInput): string {
  const id = webhookIdSchema.safeParse(input.id);
  const payload = webhookPayloadSchema.safeParse(input.payload);
  if (!id.success || !payload.success) {
    const issue = (id.error ?? payload.error)?.issues[0];
    throw ApplicationFailure.create({
      type: WEBHOOK_ERROR_TYPES.invalid,
      message: `not a valid webhook: ${issue ? `${issue.path.join('.') || 'id'}: ${issue.message}` : 'invalid'}`,
      nonRetryable: true,
    });
  }
  return JSON.stringify(payload.data);
}

/** The retried failure of an attempt that got no answer: a timeout, a refused or reset connection. */
function unreachable(err: unknown, log: Record<string, unknown>, logger: Logger): unknown {
  const signal = Context.current().cancellationSignal;
  if (signal.aborted) return signal.reason;
  const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
  const cause = timedOut ? 'no answer in time' : describeNetworkError(err);
  logger.warn({ ...log, cause }, 'webhook not delivered; retrying');
  return ApplicationFailure.create({
    type: WEBHOOK_ERROR_TYPES.unavailable,
    message: `webhook ${String(log['event'])} ${String(log['webhookId'])}: ${String(log['receiver'])}: ${cause}`,
  });
}

/** fetch's `TypeError: fetch failed` carries the socket's code in its cause (ECONNREFUSED, ECONNRESET, …). */
function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  return code ? `connection failed (${code})` : 'connection failed';
}

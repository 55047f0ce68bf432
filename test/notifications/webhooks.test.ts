import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { createLogger } from '../../src/logger.js';
import {
  createNotificationActivities,
  parseWebhookSecrets,
  retryAfterMs,
  verdictOf,
} from '../../src/notifications/index.js';
import {
  WEBHOOK_ACTIVITY_OPTIONS,
  WEBHOOK_ERROR_TYPES,
  WEBHOOK_EVENT,
  WEBHOOK_RETRY_POLICY,
  type WebhookPayload,
} from '../../src/shared/webhooks.js';
import { installRuntime } from '../../src/worker/runtime.js';
import { startTemporal } from '../helpers/temporal.js';
import type { DeliverTestInput } from './webhook-workflows.js';

const SECRET = `whsec_${Buffer.from('docket-webhook-test-secret-0123456789').toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.from('the-previous-secret-being-rotated-out').toString('base64')}`;
/** A receiver path holding a token, as many hosted webhook URLs do: it must never be logged. */
const PATH = '/hooks/T0KEN-d0-not-log';
const FAST_RETRY = { initialInterval: '100ms', backoffCoefficient: 1 } as const;

/** What the receiver does with one request. */
type Behaviour = { status: number; headers?: Record<string, string> } | { hang: true } | { reset: true };

interface Received {
  at: number;
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP receiver: records every request, and answers each with the next scripted behaviour (else 200). */
class Receiver {
  readonly received: Received[] = [];
  script: Behaviour[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => void receiver.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${PATH}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    this.received.push({ at: Date.now(), headers, body: Buffer.concat(chunks).toString('utf8') });
    const behaviour = this.script.shift() ?? { status: 200 };
    if ('hang' in behaviour) {
      this.hanging.add(res);
      return;
    }
    if ('reset' in behaviour) {
      req.socket.destroy();
      return;
    }
    res.writeHead(behaviour.status, behaviour.headers ?? {});
    res.end('ok');
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** Log lines written by the activity, as text. */
class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

const reviewNeeded = (documentId: string): WebhookPayload => ({
  type: WEBHOOK_EVENT.reviewNeeded,
  timestamp: '2026-11-04T10:00:00.000Z',
  data: { documentId, reason: 'audit', taxonomy: 'default', pendingSince: '2026-11-04T10:00:00.000Z' },
});

describe('signed webhooks delivered by the deliverWebhook activity through a real Temporal worker', () => {
  let temporal: TestWorkflowEnvironment;
  let receiver: Receiver;
  let bundle: WorkflowBundleWithSourceMap;
  const logs = new LogCapture();
  const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
  let taskQueue = '';

  async function startWorker(queue: string, url: string | undefined, secrets: string, requestTimeoutMs = 2_000) {
    const webhook = url ? { url, secrets: parseWebhookSecrets(secrets) } : undefined;
    const logger = createLogger({ level: 'debug', name: 'webhook-test' }, logs);
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue: queue,
      workflowBundle: bundle,
      activities: createNotificationActivities({ webhook, logger, requestTimeoutMs }),
    });
    workers.push({ worker, running: worker.run() });
  }

  async function deliver(payload: WebhookPayload, retry: DeliverTestInput['retry'] = FAST_RETRY, queue = taskQueue) {
    return temporal.client.workflow.execute('deliverWebhookWorkflow', {
      taskQueue: queue,
      workflowId: `webhook-${payload.type}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      args: [{ payload, retry } satisfies DeliverTestInput],
    });
  }

  /** The failure a delivery's workflow ended with: the activity's ApplicationFailure. */
  async function failureOf(payload: WebhookPayload): Promise<ApplicationFailure> {
    const error = await deliver(payload).then(
      () => assert.fail('expected the delivery to fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof WorkflowFailedError && error.cause instanceof ActivityFailure);
    assert.ok(error.cause.cause instanceof ApplicationFailure);
    return error.cause.cause;
  }

  /** Verifies a received request with the standardwebhooks library, an implementation independent of Docket's. */
  const verify = (request: Received, secret = SECRET) => new Webhook(secret).verify(request.body, request.headers);

  before(async () => {
    installRuntime('silent');
    [temporal, receiver, bundle] = await Promise.all([
      startTemporal(),
      Receiver.start(),
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./webhook-workflows.ts', import.meta.url)),
        logger: {
          log: () => undefined,
          trace: () => undefined,
          debug: () => undefined,
          info: () => undefined,
          warn: () => undefined,
          error: (m) => console.error(m),
        },
        webpackConfigHook: (config) => {
          config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
          return config;
        },
      }),
    ]);
    taskQueue = `webhooks-${Date.now()}`;
    await startWorker(taskQueue, receiver.url, `${SECRET} ${OLD_SECRET}`);
  });
  after(async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.allSettled(workers.map((w) => w.running));
    await receiver?.close();
    await temporal?.teardown();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.script = [];
  });

  it('POSTs the Standard Webhooks envelope, signed so that the standardwebhooks library verifies it', async () => {
    const result = await deliver(reviewNeeded('doc-signed'));
    assert.deepEqual([result.outcome, result.status, result.attempt], ['delivered', 200, 1]);
    const [request] = receiver.received;
    assert.ok(request);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['webhook-id'], result.id);
    assert.match(result.id, /^msg_[0-9a-f-]{36}$/);
    assert.ok(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
    assert.deepEqual(verify(request), reviewNeeded('doc-signed'));
    // Both secrets of the rotation sign: a receiver on either verifies.
    assert.equal(request.headers['webhook-signature']?.split(' ').length, 2);
    assert.deepEqual(verify(request, OLD_SECRET), reviewNeeded('doc-signed'));
    assert.throws(() => verify({ ...request, body: request.body.replace('doc-signed', 'doc-forged') }));
    assert.throws(() => verify(request, `whsec_${Buffer.from('some-other-secret-of-24-bytes!!').toString('base64')}`));
  });

  it('retries after 500s with the same webhook-id, each attempt signed afresh, until the receiver takes it', async () => {
    receiver.script = [{ status: 500 }, { status: 503 }, { status: 502 }];
    const result = await deliver(reviewNeeded('doc-retried'));
    assert.deepEqual([result.outcome, result.attempt], ['delivered', 4]);
    assert.equal(receiver.received.length, 4);
    assert.deepEqual(new Set(receiver.received.map((r) => r.headers['webhook-id'])), new Set([result.id]));
    for (const request of receiver.received) assert.deepEqual(verify(request), reviewNeeded('doc-retried'));
  });

  it('retries a 408 and a 429, waiting out the Retry-After of the 429', async () => {
    receiver.script = [{ status: 408 }, { status: 429, headers: { 'retry-after': '2' } }];
    const result = await deliver(reviewNeeded('doc-throttled'));
    assert.equal(result.attempt, 3);
    const [, throttled, delivered] = receiver.received;
    assert.ok(throttled && delivered && delivered.at - throttled.at >= 1_900, 'the Retry-After was honoured');
  });

  it('retries a receiver that does not answer in time and one that resets the connection', async () => {
    receiver.script = [{ hang: true }, { reset: true }];
    const result = await deliver(reviewNeeded('doc-unreachable'));
    assert.deepEqual([result.outcome, result.attempt], ['delivered', 3]);
    assert.equal(receiver.received.length, 3);
  });

  for (const status of [400, 401, 404, 410, 302]) {
    it(`does not retry a ${status}`, async () => {
      receiver.script = [{ status, headers: status === 302 ? { location: 'http://127.0.0.1:1/elsewhere' } : {} }];
      const failure = await failureOf(reviewNeeded(`doc-${status}`));
      assert.equal(failure.type, WEBHOOK_ERROR_TYPES.rejected);
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, new RegExp(`answered ${status}`));
      assert.equal(receiver.received.length, 1);
    });
  }

  it('refuses an invalid payload without sending it', async () => {
    const bad = { ...reviewNeeded('doc-bad'), data: { documentId: 'doc-bad' } } as unknown as WebhookPayload;
    const failure = await failureOf(bad);
    assert.equal(failure.type, WEBHOOK_ERROR_TYPES.invalid);
    assert.equal(receiver.received.length, 0);
  });

  it('never writes a secret or the receiver path to the logs or to the workflow history', async () => {
    receiver.script = [{ status: 500 }, { status: 400 }];
    const handle = await temporal.client.workflow.start('deliverWebhookWorkflow', {
      taskQueue,
      workflowId: `webhook-logged-${Date.now()}`,
      args: [{ payload: reviewNeeded('doc-logged'), retry: FAST_RETRY } satisfies DeliverTestInput],
    });
    await assert.rejects(handle.result(), WorkflowFailedError);
    const histories = JSON.stringify(await handle.fetchHistory());
    assert.match(histories, /answered 500/);
    assert.match(logs.text, /webhook not delivered; retrying/);
    assert.match(logs.text, /"receiver":"http:\/\/127\.0\.0\.1:\d+"/);
    for (const secret of [SECRET, OLD_SECRET]) {
      const base64 = secret.slice('whsec_'.length);
      assert.ok(!logs.text.includes(base64) && !histories.includes(base64), 'a secret leaked');
    }
    assert.ok(!logs.text.includes('T0KEN') && !histories.includes('T0KEN'), 'the receiver path leaked');
  });

  it('sends nothing and says so when no URL is configured', async () => {
    const queue = `${taskQueue}-off`;
    await startWorker(queue, undefined, SECRET);
    const result = await deliver(reviewNeeded('doc-off'), FAST_RETRY, queue);
    assert.equal(result.outcome, 'skipped');
    assert.equal(receiver.received.length, 0);
  });
});

describe('the webhook retry rules', () => {
  it('retries 5xx, 408 and 429, and nothing else', () => {
    const verdicts = Object.fromEntries(
      [200, 204, 302, 400, 404, 408, 410, 429, 500, 503].map((s) => [s, verdictOf(s)]),
    );
    assert.deepEqual(verdicts, {
      200: 'delivered',
      204: 'delivered',
      302: 'reject',
      400: 'reject',
      404: 'reject',
      408: 'retry',
      410: 'reject',
      429: 'retry',
      500: 'retry',
      503: 'retry',
    });
  });

  it('reads Retry-After as seconds or an HTTP date, capped at four hours', () => {
    const now = Date.parse('2026-11-04T10:00:00Z');
    assert.equal(retryAfterMs('3', now), 3000);
    assert.equal(retryAfterMs('Wed, 04 Nov 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('86400', now), 4 * 3_600_000);
    assert.equal(retryAfterMs(null, now), undefined);
    assert.equal(retryAfterMs('soon', now), undefined);
  });

  it('ships a policy that never retries a rejection, within a bounded span', () => {
    assert.deepEqual(WEBHOOK_RETRY_POLICY.nonRetryableErrorTypes, [
      WEBHOOK_ERROR_TYPES.rejected,
      WEBHOOK_ERROR_TYPES.invalid,
    ]);
    assert.equal(WEBHOOK_ACTIVITY_OPTIONS.retry, WEBHOOK_RETRY_POLICY);
    assert.equal(WEBHOOK_ACTIVITY_OPTIONS.scheduleToCloseTimeout, '3d');
  });
});

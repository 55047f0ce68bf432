import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { propagation, trace } from '@opentelemetry/api';
import { Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { startTracing, tracingClientInterceptors, tracesExporters, type Tracing } from '../../src/telemetry/index.js';
import { bundleWorkflows, createWorkers } from '../../src/worker/create-workers.js';
import { startDocket, TEST_TOKENS, workflowBundle, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

/** A span as the OTLP/HTTP JSON exporter sends it, flattened with its resource's service name. */
interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined;
interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttributes };
    scopeSpans?: { spans?: (Omit<CollectedSpan, 'service' | 'attributes'> & { attributes?: OtlpAttributes })[] }[];
  }[];
}

const attributesOf = (list: OtlpAttributes): Record<string, unknown> =>
  Object.fromEntries(
    (list ?? []).map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue)),
    ]),
  );

/** A stand-in OpenTelemetry collector: accepts OTLP/HTTP JSON on POST /v1/traces and keeps every span. */
async function startCollector(): Promise<{
  url: string;
  requests: string[];
  spans: CollectedSpan[];
  close(): Promise<void>;
}> {
  const requests: string[] = [];
  const spans: CollectedSpan[] = [];
  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
  };
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''}`);
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    body(req).then(
      (raw) => {
        const payload = JSON.parse(raw.toString('utf8')) as OtlpTraces;
        for (const resourceSpans of payload.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({ ...span, service, attributes: attributesOf(span.attributes) });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A class of the package's workflow interceptors module, as it appears in a workflow bundle. */
const INTERCEPTOR = 'OpenTelemetryInboundInterceptor';
const OTEL_VARS = Object.keys(process.env).filter((name) => name.startsWith('OTEL_'));

describe('OpenTelemetry tracing', () => {
  let env: DocketTestEnv;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  const saved = Object.fromEntries(OTEL_VARS.map((name) => [name, process.env[name]]));
  /** Run in reverse order after the tests: stacks first, then the tracing that was registered before them. */
  const stops: (() => Promise<unknown>)[] = [];

  before(async () => {
    for (const name of OTEL_VARS) delete process.env[name];
    [env, collector] = await Promise.all([startDocket({ worker: false }), startCollector()]);
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop();
    await env.stop();
    await collector.close();
    for (const name of Object.keys(process.env).filter((n) => n.startsWith('OTEL_'))) delete process.env[name];
    Object.assign(process.env, saved);
  });

  /** Workers, a Temporal client and the API over real HTTP, traced or not; `stop()` drains the workers. */
  async function startStack(
    tracing: Tracing | undefined,
    bundle: WorkflowBundleWithSourceMap,
  ): Promise<{ api: RunningApi; stop(): Promise<void> }> {
    const workers = await createWorkers({
      connection: env.temporal.nativeConnection,
      config: env.config,
      pool: env.pool,
      openai: createOpenAIClient({ ...env.config.openai }),
      logger: env.logger,
      tracing,
      workflowBundle: bundle,
    });
    const done = workers.run();
    const client = new Client({
      connection: env.temporal.connection,
      namespace: env.config.temporal.namespace,
      ...(tracing ? { interceptors: tracingClientInterceptors() } : {}),
    });
    const api = await startApi(
      { pool: env.pool, client, config: env.config, logger: env.logger },
      { host: '127.0.0.1', port: 0, tracing },
    );
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        await api.close();
        workers.shutdown();
        await done;
      })());
    stops.push(stop);
    return { api, stop };
  }

  /** Submits a document over HTTP and polls it until it is completed. */
  async function classify(api: RunningApi, id: string): Promise<void> {
    const res = await fetch(`${api.url}/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, text: `${id}: the kubernetes deploy broke the API and the database latency doubled` }),
    });
    assert.equal(res.status, 202, await res.clone().text());
    await waitFor(
      async () => {
        const doc = await fetch(`${api.url}/v1/documents/${id}`, {
          headers: { authorization: `Bearer ${TEST_TOKENS.submitter}` },
        });
        return ((await doc.json()) as { status: string }).status;
      },
      (status) => status === 'completed',
      { timeoutMs: 30_000 },
    );
  }

  it('is off without OTEL variables: no exporter, no global tracer, no interceptors, nothing exported', async () => {
    assert.deepEqual(tracesExporters({}), []);
    assert.deepEqual(tracesExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }), []);
    assert.deepEqual(
      tracesExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }),
      [],
    );
    assert.deepEqual(tracesExporters({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }), ['otlp']);
    assert.deepEqual(tracesExporters({ OTEL_TRACES_EXPORTER: 'console' }), ['console']);
    assert.throws(() => tracesExporters({ OTEL_TRACES_EXPORTER: 'zipkin' }), /OTEL_TRACES_EXPORTER/);
    assert.throws(
      () => startTracing('docket', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );

    assert.equal(startTracing('docket-tracing-test'), undefined);
    assert.equal(trace.getTracer('probe').startSpan('probe').isRecording(), false, 'no tracer provider is registered');
    assert.deepEqual(propagation.fields(), [], 'no propagator is registered');
    const bundle = await workflowBundle();
    assert.ok(!bundle.code.includes(INTERCEPTOR), 'the default workflow bundle has no tracing interceptors');

    const { api, stop } = await startStack(undefined, bundle);
    try {
      await classify(api, 'untraced-1');
    } finally {
      await stop();
    }
    assert.deepEqual(collector.requests, [], 'nothing was sent to the collector');
  });

  it('follows a document from POST /v1/documents through the workflow to its activities in one trace', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    process.env.OTEL_SERVICE_NAME = 'docket-tracing-test';
    const tracing = startTracing('docket');
    assert.ok(tracing, 'OTEL_EXPORTER_OTLP_ENDPOINT turns tracing on');
    stops.unshift(() => tracing.shutdown());
    const bundle = await bundleWorkflows({ tracing: true });
    assert.ok(bundle.code.includes(INTERCEPTOR), 'a tracing bundle has the workflow interceptors');
    const { api } = await startStack(tracing, bundle);

    await classify(api, 'traced-1');

    const names = [
      'StartWorkflow:classifyDocumentWorkflow',
      'RunWorkflow:classifyDocumentWorkflow',
      'StartActivity:classifyWithLlm',
      'RunActivity:classifyWithLlm',
      'StartActivity:storeClassification',
      'RunActivity:storeClassification',
    ];
    const isSubmit = (s: CollectedSpan) => s.name === 'POST /v1/documents';
    const spans = await waitFor(
      async () => {
        await tracing.flush();
        const http = collector.spans.find(isSubmit);
        const inTrace = collector.spans.filter((s) => s.traceId === http?.traceId);
        return { http, inTrace };
      },
      ({ http, inTrace }) => http !== undefined && names.every((name) => inTrace.some((s) => s.name === name)),
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    assert.ok(
      collector.requests.every((r) => r.startsWith('POST /v1/traces application/json')),
      'OTLP/HTTP JSON',
    );

    const http = spans.http!;
    const byName = (name: string) => {
      const found = spans.inTrace.filter((s) => s.name === name);
      assert.equal(found.length, 1, `one ${name} span in the request's trace`);
      return found[0]!;
    };
    assert.equal(http.kind, 2, 'the HTTP span is a server span');
    assert.equal(http.parentSpanId || undefined, undefined, 'the HTTP span is the root of the trace');
    assert.equal(http.attributes['http.request.method'], 'POST');
    assert.equal(http.attributes['http.route'], '/v1/documents');
    assert.equal(http.attributes['http.response.status_code'], 202);
    assert.equal(http.service, 'docket-tracing-test', 'OTEL_SERVICE_NAME names the service');

    const start = byName('StartWorkflow:classifyDocumentWorkflow');
    const run = byName('RunWorkflow:classifyDocumentWorkflow');
    assert.equal(start.parentSpanId, http.spanId, 'the workflow is started inside the HTTP request');
    assert.equal(run.parentSpanId, start.spanId, 'the workflow run continues the client span');
    assert.equal(run.attributes.workflowId, 'classify-traced-1', 'workflow spans carry the workflow id');
    for (const activity of ['classifyWithLlm', 'storeClassification']) {
      const scheduled = byName(`StartActivity:${activity}`);
      const executed = byName(`RunActivity:${activity}`);
      assert.equal(scheduled.parentSpanId, run.spanId, `${activity} is scheduled by the workflow run`);
      assert.equal(executed.parentSpanId, scheduled.spanId, `${activity} runs under its StartActivity span`);
      assert.equal(executed.attributes.temporalWorkflowId, 'classify-traced-1');
    }

    const routes = collector.spans.filter((s) => s.kind === 2).map((s) => s.name);
    assert.ok(routes.includes('GET /v1/documents/:id'), `polling is traced by route, got ${routes.join(', ')}`);
  });
});

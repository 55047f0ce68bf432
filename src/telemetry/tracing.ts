import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ConfigError } from '../config.js';

/** Where spans go: OTLP over HTTP (JSON), or stdout for a quick look. */
export type TracesExporter = 'otlp' | 'console';

/** Tracing of one process, set up by {@link startTracing}. */
export interface Tracing {
  readonly provider: NodeTracerProvider;
  /** The process's resource (`service.name` and the rest), also stamped on spans made in workflow sandboxes. */
  readonly resource: Resource;
  /** Receives the spans that workflow sandboxes hand to the worker through the interceptors' sink. */
  readonly workflowSpanProcessor: SpanProcessor;
  /** Docket's own tracer (HTTP server spans). */
  readonly tracer: Tracer;
  /** Exports every span still buffered. */
  flush(): Promise<void>;
  /** Flushes, stops exporting and unregisters the global tracer provider, propagator and context manager. */
  shutdown(): Promise<void>;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const OTLP_PROTOCOL_VARS = ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const;

/**
 * The exporters the standard variables ask for; none means tracing stays off. Unlike the OpenTelemetry SDK's
 * own default (`otlp`), Docket traces only when asked: `OTEL_TRACES_EXPORTER` names the exporters, or an OTLP
 * endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) implies `otlp`.
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off.
 */
export function tracesExporters(env: NodeJS.ProcessEnv = process.env): TracesExporter[] {
  if (TRUE.has((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase())) return [];
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (named.length === 0) {
    return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() ? ['otlp'] : [];
  }
  if (named.includes('none')) return [];
  const unknown = named.filter((name) => name !== 'otlp' && name !== 'console');
  if (unknown.length > 0) {
    throw new ConfigError(`OTEL_TRACES_EXPORTER: "${unknown.join(',')}" is not supported; use otlp, console or none`);
  }
  return [...new Set(named)] as TracesExporter[];
}

/**
 * Starts OpenTelemetry tracing for this process when the standard `OTEL_*` variables ask for it (see
 * {@link tracesExporters}); returns `undefined`, and installs nothing, otherwise. The OpenTelemetry SDK reads the
 * rest itself: `OTEL_EXPORTER_OTLP_HEADERS`, `..._TIMEOUT`, `..._COMPRESSION`, `OTEL_TRACES_SAMPLER`,
 * `OTEL_BSP_*`, `OTEL_RESOURCE_ATTRIBUTES`. `OTEL_SERVICE_NAME` overrides `serviceName`.
 *
 * The provider is registered globally (tracer, W3C trace-context propagator, async-local-storage context), which
 * is what carries one trace from an HTTP request through the Temporal client, workflow and activity interceptors.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  const exporters = tracesExporters(env);
  if (exporters.length === 0) return undefined;
  if (exporters.includes('otlp')) {
    for (const name of OTLP_PROTOCOL_VARS) {
      const protocol = env[name]?.trim();
      if (protocol && protocol !== 'http/json') {
        throw new ConfigError(
          `${name}: Docket exports traces as OTLP http/json (port 4318 on a collector); "${protocol}" is not supported`,
        );
      }
    }
  }
  const resource = Resource.default()
    .merge(new Resource({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(envDetectorSync.detect());
  const processors = exporters.map((name) =>
    name === 'otlp'
      ? new BatchSpanProcessor(new OTLPTraceExporter())
      : new SimpleSpanProcessor(new ConsoleSpanExporter()),
  );
  const provider = new NodeTracerProvider({ resource, mergeResourceWithDefaults: false, spanProcessors: processors });
  provider.register();
  const workflowSpanProcessor: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span: ReadableSpan) => processors.forEach((p) => p.onEnd(span)),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  let stopped: Promise<void> | undefined;
  return {
    provider,
    resource,
    workflowSpanProcessor,
    tracer: provider.getTracer('docket'),
    flush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
      });
      return stopped;
    },
  };
}

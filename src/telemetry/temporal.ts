import { createRequire } from 'node:module';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { Tracing } from './tracing.js';

/**
 * The package's workflow interceptors module (`RunWorkflow`, `StartActivity`, ... spans inside the sandbox). It is
 * bundled into the workflow code, so it must be in the bundle of a worker that traces.
 */
export const WORKFLOW_TRACING_INTERCEPTORS = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** Client interceptors: a `StartWorkflow`/`SignalWorkflow`/`StartWorkflowUpdate`... span, passed on in headers. */
export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** Activity interceptors: a `RunActivity:<type>` span, child of the workflow's `StartActivity` span. */
export function tracingActivityInterceptors(): WorkerInterceptors {
  return {
    activity: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
  };
}

/** The sink through which workflow sandboxes hand their spans to this process's exporters. */
export function tracingSinks(tracing: Tracing): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(tracing.workflowSpanProcessor, tracing.resource) };
}

export { traceHttp, type TraceableApp } from './http.js';
export {
  tracingActivityInterceptors,
  tracingClientInterceptors,
  tracingSinks,
  WORKFLOW_TRACING_INTERCEPTORS,
} from './temporal.js';
export { startTracing, tracesExporters, type TracesExporter, type Tracing } from './tracing.js';

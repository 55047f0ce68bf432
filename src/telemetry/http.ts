import { context, propagation, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { Router } from 'hono/router';
import type { RouterRoute } from 'hono/types';

/** The parts of a Hono app that tracing needs: its fetch handler and its router (to name the matched route). */
export interface TraceableApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
  router: Router<[unknown, RouterRoute]>;
}

/** Requests that are not traced: health probes, which a load balancer or Docker sends every few seconds. */
const UNTRACED_PATHS = new Set(['/healthz']);

/** The route pattern (`/v1/documents/:id`) a request matches, or undefined (a 404). Middleware is skipped. */
function matchedRoute(app: TraceableApp, method: string, path: string): string | undefined {
  const [matches] = app.router.match(method === 'HEAD' ? 'GET' : method, path);
  let route: string | undefined;
  for (const [[, r]] of matches) if (r.method !== 'ALL') route = r.path;
  return route;
}

/**
 * Wraps an app's fetch handler in one HTTP server span per request, named `METHOD /route` with the stable HTTP
 * semantic-convention attributes (method, route, path, status). The span continues a `traceparent` sent by the
 * caller and is the active context while the app runs, so the Temporal client interceptor's `StartWorkflow` span
 * (and everything the workflow does) joins the request's trace.
 */
export function traceHttp(app: TraceableApp, tracer: Tracer): (request: Request, env?: unknown) => Promise<Response> {
  return async (request, env) => {
    const url = new URL(request.url);
    if (UNTRACED_PATHS.has(url.pathname)) return app.fetch(request, env);
    const method = request.method.toUpperCase();
    const route = matchedRoute(app, method, url.pathname);
    const parent = propagation.extract(context.active(), request.headers, {
      keys: (headers) => {
        const keys: string[] = [];
        headers.forEach((_, key) => keys.push(key));
        return keys;
      },
      get: (headers, key) => headers.get(key) ?? undefined,
    });
    const userAgent = request.headers.get('user-agent');
    const attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_PATH]: url.pathname,
      [ATTR_URL_SCHEME]: url.protocol.replace(/:$/, ''),
      [ATTR_SERVER_ADDRESS]: url.hostname,
      ...(url.port ? { [ATTR_SERVER_PORT]: Number(url.port) } : {}),
      ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
      ...(userAgent ? { [ATTR_USER_AGENT_ORIGINAL]: userAgent } : {}),
    };
    const name = route ? `${method} ${route}` : method;
    return tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
      try {
        const response = await app.fetch(request, env);
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
        // Server spans are errors on 5xx only: a 4xx is the client's mistake, answered correctly.
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    });
  };
}

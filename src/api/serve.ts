import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { AppDeps } from './openapi.js';
import { traceHttp, type Tracing } from '../telemetry/index.js';
import { createApp } from './app.js';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export interface ApiServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** One OpenTelemetry server span per request (from `startTracing`). Unset: none. */
  tracing?: Tracing;
}

/** Serves the API on `host:port` (port 0 picks a free one). */
export async function startApi(deps: AppDeps, options: ApiServeOptions): Promise<RunningApi> {
  const app = createApp(deps);
  const fetch = options.tracing ? traceHttp(app, options.tracing.tracer) : app.fetch;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
      const host = info.address.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    // Idle keep-alive sockets outlive the clients' and load balancers' own idle timeouts, so a client never sends a
    // request on a socket the server is closing at that moment (seen as ECONNRESET).
    const http = server as unknown as { keepAliveTimeout: number; headersTimeout: number };
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
    server.once('error', reject);
  });
}

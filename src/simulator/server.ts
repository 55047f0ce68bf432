import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createSimulatorApp } from './app.js';
import { SimulatorState } from './state.js';
import type { Simulator, StartSimulatorOptions } from './types.js';

/** Starts the OpenAI-compatible simulator on `host:port` (a free port by default) and resolves once it listens. */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const state = new SimulatorState(options.profile);
  const app = createSimulatorApp(state);
  // Hono's node adapter creates a plain node:http server when given no other factory.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    baseUrl: `${url}/v1`,
    port,
    requests: state.requests,
    addRule: (rule) => state.rules.add(rule),
    clearRules: () => state.rules.clear(),
    setProfile: (profile) => state.setProfile(profile),
    requestsMatching: (match) => state.requests.filter((r) => r.userText.includes(match)),
    reset: () => state.reset(),
    startOutage: (durationMs, kind) => state.startOutage(durationMs, kind),
    endOutage: () => state.endOutage(),
    truth: (filter) => state.truth.list(filter),
    batchApiRequests: state.batchApiRequests,
    addBatchRule: (rule) => state.batchRules.add(rule),
    clearBatchRules: () => state.batchRules.clear(),
    delayBatchApi: (operation, ms, times = 1) => state.batchApiDelays.set(operation, { ms, times }),
    batchJobs: () => state.batchJobReports(state.settledNow()),
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        state.closeAll();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

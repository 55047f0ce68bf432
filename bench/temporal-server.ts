import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { findTemporalCli } from '../src/dev/temporal-cli.js';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server.js';
import { freePort } from './chaos/tcp-proxy.js';

/** A Temporal dev server for one side of one scenario. */
export interface BenchTemporal {
  address: string;
  /** The server process and the watchdog that runs it, for their CPU and memory. */
  pids: number[];
  /** Stops the server and removes its database file. */
  stop(): Promise<void>;
}

/**
 * Starts the Temporal dev server exactly as `npm start` does: `startTemporalDevServer` (the same flags, SQLite pragmas
 * included) on a database file, here in a fresh temporary folder on free ports, so that no run inherits another's
 * history.
 */
export async function startBenchTemporal(): Promise<BenchTemporal> {
  const dir = mkdtempSync(join(os.tmpdir(), 'docket-bench-temporal-'));
  const [port, uiPort] = [await freePort(), await freePort()];
  const server = await startTemporalDevServer({
    cli: findTemporalCli(),
    dbFilename: join(dir, 'temporal.db'),
    port,
    uiPort,
  });
  const watchdog = server.child.pid as number;
  // The watchdog's one child is the server itself.
  const children = readFileSync(`/proc/${watchdog}/task/${watchdog}/children`, 'utf8').trim().split(/\s+/);
  return {
    address: server.address,
    pids: [watchdog, ...children.filter(Boolean).map(Number)],
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Task queue types of `DescribeTaskQueue` (temporal.api.enums.v1.TaskQueueType). */
export const TASK_QUEUE_TYPE = { workflow: 1, activity: 2 } as const;

/**
 * Resolves once every queue has a poller, so that measurement starts with the workers ready.
 * @param alive throws when the worker process has died, with what it printed
 */
export async function waitForPollers(
  client: Client,
  queues: { name: string; type: number }[],
  alive: () => void,
  timeoutMs = 120_000,
): Promise<void> {
  const polled = async ({ name, type }: { name: string; type: number }) => {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name },
      taskQueueType: type,
    });
    return (pollers?.length ?? 0) > 0;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    alive();
    if (Date.now() > deadline) throw new Error(`the worker did not poll within ${timeoutMs / 1000} s`);
    if ((await Promise.all(queues.map(polled))).every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

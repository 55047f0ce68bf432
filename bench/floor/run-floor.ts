import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { BatchMonitor } from '../batch-monitor.js';
import { stopChild, tail, withTimeout } from '../child-process.js';
import { HEAP_SNAPSHOT_HOOK } from '../docket-side.js';
import { newSideRun, type SideRun } from '../metrics.js';
import { machineBusySeconds } from '../proc.js';
import { startBenchTemporal, TASK_QUEUE_TYPE, waitForPollers } from '../temporal-server.js';
import { FLOOR_LLM_TASK_QUEUE, FLOOR_TASK_QUEUE, floorBatchWorkflowId } from './names.js';
import type { FloorWorkerAnswer } from './worker.js';
import type { floorBatchWorkflow } from './workflows.js';

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface FloorOptions {
  documents: number;
  /** Children in flight at most, as Docket's DOCKET_BATCH_WINDOW. */
  window: number;
  /** LLM-like activities in flight, as Docket's DOCKET_LLM_CONCURRENCY. */
  llmConcurrency: number;
  sampleMs: number;
  timeoutMs: number;
  log: (line: string) => void;
  /** Heap snapshots of the worker halfway through the batch go to this folder (bench/heap/snapshot-hook.cjs). */
  heapSnapshots?: string;
}

/** Forks the floor worker and resolves once it polls both of its task queues. */
async function startFloorWorker(address: string, options: FloorOptions, client: Client) {
  const child = fork(WORKER_ENTRY, [], {
    execArgv: [...(options.heapSnapshots ? ['--require', HEAP_SNAPSHOT_HOOK] : []), '--import', 'tsx'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      FLOOR_TEMPORAL_ADDRESS: address,
      FLOOR_LLM_CONCURRENCY: String(options.llmConcurrency),
      ...(options.heapSnapshots ? { DOCKET_BENCH_HEAP_SNAPSHOTS: options.heapSnapshots } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output = tail(child);
  const alive = () => {
    if (child.exitCode !== null) throw new Error(`the floor worker exited with ${child.exitCode}:\n${output()}`);
  };
  await waitForPollers(
    client,
    [
      { name: FLOOR_TASK_QUEUE, type: TASK_QUEUE_TYPE.workflow },
      { name: FLOOR_LLM_TASK_QUEUE, type: TASK_QUEUE_TYPE.activity },
    ],
    alive,
  ).catch(async (err: unknown) => {
    await stopChild(child);
    throw err;
  });
  return { child, output };
}

/** Asks the worker and waits for its answer of that type. */
async function ask<T extends FloorWorkerAnswer['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<FloorWorkerAnswer, { type: T }>> {
  const answer = new Promise<Extract<FloorWorkerAnswer, { type: T }>>((resolve) => {
    const listen = (message: FloorWorkerAnswer) => {
      if (message.type !== type) return;
      child.off('message', listen);
      resolve(message as Extract<FloorWorkerAnswer, { type: T }>);
    };
    child.on('message', listen);
  });
  child.send(type);
  return withTimeout(answer, 30_000);
}

/**
 * The floor row: `documents` children of a `floorBatchWorkflow` (Docket's shape, none of its code) on a Temporal dev
 * server started as `npm start` starts it, and a worker process of its own. Measured as Docket's side is, from the
 * start of the batch.
 */
export async function runFloor(options: FloorOptions): Promise<SideRun> {
  const temporal = await startBenchTemporal();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const run = newSideRun('floor', []);
  let worker: Awaited<ReturnType<typeof startFloorWorker>> | undefined;
  let monitor: BatchMonitor | undefined;
  try {
    worker = await startFloorWorker(temporal.address, options, client);
    const child = worker.child;
    const batchId = `floor-${Date.now()}`;
    const workflowId = floorBatchWorkflowId(batchId);
    monitor = new BatchMonitor(run, {
      client,
      label: 'floor',
      total: options.documents,
      workerPid: worker.child.pid as number,
      temporalPids: temporal.pids,
      childWorkflowType: 'floorDocumentWorkflow',
      completed: async () => (await ask(child, 'count')).stored,
      sampleMs: options.sampleMs,
      log: options.log,
      ...(options.heapSnapshots ? { heapSnapshots: { dir: options.heapSnapshots, label: 'floor' } } : {}),
    });
    await monitor.begin();
    const harnessBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    run.submittedAt = Date.now();
    const handle = await client.workflow.start<typeof floorBatchWorkflow>('floorBatchWorkflow', {
      workflowId,
      taskQueue: FLOOR_TASK_QUEUE,
      args: [
        {
          batchId,
          total: options.documents,
          window: options.window,
          taskQueue: FLOOR_TASK_QUEUE,
          llmTaskQueue: FLOOR_LLM_TASK_QUEUE,
        },
      ],
    });
    run.submitSeconds = (Date.now() - run.submittedAt) / 1000;
    monitor.watch(batchId, workflowId);
    const progress = await withTimeout(handle.result(), options.timeoutMs);
    await monitor.end();
    const harness = process.cpuUsage(harnessBefore);
    run.cpuSeconds.harness = (harness.user + harness.system) / 1e6;
    const ours = run.cpuSeconds.client + (run.cpuSeconds.temporal ?? 0) + run.cpuSeconds.harness;
    run.cpuSeconds.others = Math.max(0, machineBusySeconds() - machineBefore - ours);
    run.settledAt = run.submittedAt;
    for (const [id, at] of (await ask(child, 'report')).stored) {
      run.doneAt.set(id, at);
      run.settledAt = Math.max(run.settledAt, at);
    }
    run.outcomes = { completed: progress.settled };
  } catch (err) {
    monitor?.cancel();
    run.error = `${(err as Error).message}${worker ? `\n--- floor worker output ---\n${worker.output()}` : ''}`;
  } finally {
    if (worker) await stopChild(worker.child);
    await connection.close();
    await temporal.stop();
  }
  return run;
}

/**
 * The floor's worker process, forked by the benchmark with an IPC channel: a `floor` worker (workflows and the
 * store-like activity) and a `floor-llm` worker (the LLM-like activity only), set up as `createWorkers` sets up
 * Docket's `docket` and `docket-llm` workers, minus Docket's code.
 *
 *   FLOOR_TEMPORAL_ADDRESS=host:port FLOOR_LLM_CONCURRENCY=16 node --import tsx bench/floor/worker.ts
 *
 * Asked `count`, it answers how many documents it has stored; asked `report`, each document's completion time (epoch
 * ms, when the store-like activity ran, as Docket's `decided_at` records the store). SIGTERM drains and stops it.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { callFloorModel, createFloorActivities } from './activities.js';
import { FLOOR_LLM_TASK_QUEUE, FLOOR_TASK_QUEUE } from './names.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/** What the worker answers: `count` while the batch runs, `report` once it is over. */
export type FloorWorkerAnswer =
  { type: 'count'; stored: number } | { type: 'report'; stored: [documentId: string, at: number][] };

async function main(): Promise<void> {
  const address = process.env.FLOOR_TEMPORAL_ADDRESS;
  const concurrency = Number(process.env.FLOOR_LLM_CONCURRENCY ?? '16');
  if (!address) throw new Error('FLOOR_TEMPORAL_ADDRESS is required');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('FLOOR_LLM_CONCURRENCY must be ≥ 1');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const stored = new Map<string, number>();
  const connection = await NativeConnection.connect({ address });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: new DefaultLogger('ERROR'),
    // TypeScript sources with ESM `.js` specifiers, as Docket's bundle.
    webpackConfigHook: (config) => {
      config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
      return config;
    },
  });
  const main = await Worker.create({
    connection,
    taskQueue: FLOOR_TASK_QUEUE,
    workflowBundle,
    activities: createFloorActivities((documentId) => stored.set(documentId, Date.now())),
  });
  const llm = await Worker.create({
    connection,
    taskQueue: FLOOR_LLM_TASK_QUEUE,
    activities: { callFloorModel },
    tuner: {
      activityTaskSlotSupplier: { type: 'fixed-size', numSlots: concurrency },
      workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    },
  });
  process.on('message', (message) => {
    if (message === 'count') process.send?.({ type: 'count', stored: stored.size } satisfies FloorWorkerAnswer);
    if (message === 'report') process.send?.({ type: 'report', stored: [...stored] } satisfies FloorWorkerAnswer);
  });
  process.once('SIGTERM', () => {
    main.shutdown();
    llm.shutdown();
  });
  await Promise.all([main.run(), llm.run()]);
  await connection.close();
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { spawn, type ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import { submitBatch } from '../src/documents/batch.js';
import { createDataConverter } from '../src/codec/data-converter.js';
import { generatePayloadKey } from '../src/codec/payload-keys.js';
import { loadConfig, type Config } from '../src/config.js';
import { createPool, type Pool } from '../src/db/pool.js';
import { batchWorkflowId, LLM_TASK_QUEUE, TASK_QUEUE, WORKFLOW_TYPES } from '../src/shared/names.js';
import { startSimulator, type Simulator, type SimulatorProfile } from '../src/simulator/index.js';
import { connectClient } from '../src/temporal-connection.js';
import type { classifyBatchWorkflow } from '../src/workflows/classify-batch.js';
import { startTestDatabase, type DatabaseKind } from '../test/helpers/database.js';
import { stopChild, tail, withTimeout } from './child-process.js';
import type { BenchDocument } from './documents.js';
import type { SideRun } from './metrics.js';
import { newSideRun } from './metrics.js';
import { machineBusySeconds } from './proc.js';
import { BatchMonitor } from './batch-monitor.js';
import { startBenchTemporal, TASK_QUEUE_TYPE, waitForPollers, type BenchTemporal } from './temporal-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Takes heap snapshots of every thread of the process it is loaded into, on request. */
export const HEAP_SNAPSHOT_HOOK = fileURLToPath(new URL('./heap/snapshot-hook.cjs', import.meta.url));

export interface DocketSideOptions {
  documents: BenchDocument[];
  simulator: Partial<SimulatorProfile>;
  /** DOCKET_* settings of the worker (and of the batch submission). */
  env: Record<string, string>;
  database: DatabaseKind;
  sampleMs: number;
  /** Give up waiting for the batch after this long. */
  timeoutMs: number;
  log: (line: string) => void;
  /** Heap snapshots of the worker halfway through the batch go to this folder (bench/heap/snapshot-hook.cjs). */
  heapSnapshots?: string;
}

/** Starts `src/worker.ts`, the production worker entry, and resolves once it polls both task queues. */
async function startWorker(
  env: NodeJS.ProcessEnv,
  client: Client,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(
    process.execPath,
    [...(env.DOCKET_BENCH_HEAP_SNAPSHOTS ? ['--require', HEAP_SNAPSHOT_HOOK] : []), '--import', 'tsx', 'src/worker.ts'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = tail(child);
  await waitForPollers(
    client,
    [
      { name: TASK_QUEUE, type: TASK_QUEUE_TYPE.workflow },
      { name: LLM_TASK_QUEUE, type: TASK_QUEUE_TYPE.activity },
    ],
    () => {
      if (child.exitCode !== null)
        throw new Error(`worker exited with ${child.exitCode} before it polled:\n${output()}`);
    },
  ).catch(async (err: unknown) => {
    await stopChild(child);
    throw new Error(`${(err as Error).message}\n${output()}`);
  });
  return { child, output };
}

/** Pids of the PostgreSQL backends connected to `database` (for their CPU). */
async function backendPids(pool: Pool, database: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((r) => r.pid);
}

/** A running Docket for one scenario: the Temporal dev server, a fresh database, the simulator and one worker. */
export interface DocketStack {
  temporal: BenchTemporal;
  simulator: Simulator;
  pool: Pool;
  client: Client;
  config: Config;
  worker: { child: ChildProcess; output: () => string };
  /** The run database's name, for its PostgreSQL backends. */
  databaseName: string;
  stop(): Promise<void>;
}

/**
 * Starts Docket as production runs it: the Temporal dev server as `npm start` runs it, a fresh database, the
 * simulator, and one `src/worker.ts` process configured through DOCKET_* variables (payloads encrypted).
 */
export async function startDocketStack(
  options: Pick<DocketSideOptions, 'simulator' | 'env' | 'database' | 'heapSnapshots'> & { maxBatchDocuments: number },
): Promise<DocketStack> {
  const [temporal, db, simulator] = await Promise.all([
    startBenchTemporal(),
    startTestDatabase(options.database),
    startSimulator({ profile: options.simulator }),
  ]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    DATABASE_URL: db.url,
    OPENAI_BASE_URL: simulator.baseUrl,
    OPENAI_API_KEY: 'sk-docket-bench',
    // Encrypted as in production: the codec's cost is part of what the benchmark measures.
    DOCKET_PAYLOAD_KEYS: generatePayloadKey('bench'),
    DOCKET_LOG_LEVEL: 'warn',
    DOCKET_MAX_BATCH_DOCUMENTS: String(Math.max(10_000, options.maxBatchDocuments)),
    ...(options.heapSnapshots ? { DOCKET_BENCH_HEAP_SNAPSHOTS: options.heapSnapshots } : {}),
    ...options.env,
  };
  const pool = createPool(db.url, 4);
  const config = loadConfig(env);
  const { connection, client } = await connectClient(config.temporal, {
    dataConverter: createDataConverter(config.payload),
  });
  const stopServers = async () => {
    await pool.end();
    await connection.close();
    await Promise.allSettled([temporal.stop(), simulator.close(), db.close()]);
  };
  try {
    const worker = await startWorker(env, client);
    return {
      temporal,
      simulator,
      pool,
      client,
      config,
      worker,
      databaseName: new URL(db.url).pathname.slice(1),
      async stop() {
        await stopChild(worker.child);
        await stopServers();
      },
    };
  } catch (err) {
    await stopServers();
    throw err;
  }
}

/** The monitor of Docket's side: the worker, the server, the run database's backends, the batch's children. */
function docketMonitor(stack: DocketStack, run: SideRun, options: DocketSideOptions, completed: () => Promise<number>) {
  return new BatchMonitor(run, {
    client: stack.client,
    label: 'docket',
    total: options.documents.length,
    workerPid: stack.worker.child.pid as number,
    temporalPids: stack.temporal.pids,
    childWorkflowType: WORKFLOW_TYPES.classifyDocument,
    completed,
    ...(options.database === 'postgres' ? { databasePids: () => backendPids(stack.pool, stack.databaseName) } : {}),
    sampleMs: options.sampleMs,
    log: options.log,
    ...(options.heapSnapshots ? { heapSnapshots: { dir: options.heapSnapshots, label: 'docket' } } : {}),
  });
}

/** Documents of the batch with a stored result so far. */
async function completedCount(pool: Pool, batchId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM batch_documents b JOIN classifications c ON c.document_id = b.document_id
     WHERE b.batch_id = $1`,
    [batchId],
  );
  return rows[0]?.n ?? 0;
}

/** Each document's completion time (`decided_at`) and the completion tokens of the batch's calls, into the run. */
async function readResults(pool: Pool, batchId: string, run: SideRun): Promise<void> {
  const done = await pool.query<{ id: string; at: number }>(
    `SELECT c.document_id AS id, (extract(epoch FROM c.decided_at) * 1000)::float8 AS at
     FROM batch_documents b JOIN classifications c ON c.document_id = b.document_id WHERE b.batch_id = $1`,
    [batchId],
  );
  for (const row of done.rows) run.doneAt.set(row.id, row.at);
  const tokens = await pool.query<{ n: number }>(
    `SELECT coalesce(sum(l.output_tokens), 0)::float8 AS n
     FROM batch_documents b JOIN llm_calls l ON l.document_id = b.document_id WHERE b.batch_id = $1`,
    [batchId],
  );
  run.completionTokens = tokens.rows[0]?.n ?? 0;
}

/**
 * Runs one batch through Docket exactly as production does (`startDocketStack`), submitted through `submitBatch`
 * (what `POST /v1/batches` calls). Measures from the moment of submission.
 */
export async function runDocket(options: DocketSideOptions): Promise<SideRun> {
  const { documents } = options;
  let stack: DocketStack | undefined;
  let monitor: BatchMonitor | undefined;
  const run: SideRun = newSideRun('docket', []);
  try {
    stack = await startDocketStack({ ...options, maxBatchDocuments: documents.length });
    run.requests = stack.simulator.requests;
    const { pool, client, config } = stack;
    let batchId = '';
    monitor = docketMonitor(stack, run, options, () => completedCount(pool, batchId));
    await monitor.begin();
    const harnessBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    run.submittedAt = Date.now();
    const accepted = await submitBatch(
      { pool, client, config },
      { documents: documents.map((d) => ({ id: d.id, text: d.text })) },
    );
    batchId = accepted.batchId;
    run.submitSeconds = (Date.now() - run.submittedAt) / 1000;
    monitor.watch(batchId, batchWorkflowId(batchId));
    const handle = client.workflow.getHandle<typeof classifyBatchWorkflow>(batchWorkflowId(batchId));
    const result = await withTimeout(handle.result(), options.timeoutMs);
    await monitor.end();
    const closed = await handle.describe();
    const harness = process.cpuUsage(harnessBefore);
    run.cpuSeconds.harness = (harness.user + harness.system) / 1e6;
    const ours = Object.values(run.cpuSeconds).reduce((a, b) => a + b, 0);
    run.cpuSeconds.others = Math.max(0, machineBusySeconds() - machineBefore - ours);
    run.outcomes = { ...result.progress.settled };
    if (result.progress.skipped > 0) run.outcomes['skipped'] = result.progress.skipped;
    await readResults(pool, batchId, run);
    // Every document has its final outcome when the batch closes (it waits for the last child's notice).
    let last = run.submittedAt;
    for (const at of run.doneAt.values()) last = Math.max(last, at);
    run.settledAt = run.doneAt.size === documents.length ? last : Math.max(last, closed.closeTime?.getTime() ?? last);
  } catch (err) {
    monitor?.cancel();
    run.error = `${(err as Error).message}${stack ? `\n--- worker output ---\n${stack.worker.output()}` : ''}`;
  } finally {
    await stack?.stop();
  }
  return run;
}

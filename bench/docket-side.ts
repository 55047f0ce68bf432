import { spawn, type ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { submitBatch } from '../src/documents/batch.js';
import { createDataConverter } from '../src/codec/data-converter.js';
import { generatePayloadKey } from '../src/codec/payload-keys.js';
import { loadConfig } from '../src/config.js';
import { createPool, type Pool } from '../src/db/pool.js';
import { batchProgressQuery } from '../src/shared/messages.js';
import { batchWorkflowId, LLM_TASK_QUEUE, TASK_QUEUE } from '../src/shared/names.js';
import { startSimulator, type SimulatorProfile } from '../src/simulator/index.js';
import { connectClient } from '../src/temporal-connection.js';
import type { classifyBatchWorkflow } from '../src/workflows/classify-batch.js';
import { startTestDatabase, type DatabaseKind } from '../test/helpers/database.js';
import { startTemporal } from '../test/helpers/temporal.js';
import type { BenchDocument } from './documents.js';
import type { SideRun } from './metrics.js';
import { newSideRun } from './metrics.js';
import { CpuTracker, findProcesses, machineBusySeconds, processMemory } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

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
}

/** The last lines a child printed, for the error message when it dies. */
function tail(child: ChildProcess, lines = 40): () => string {
  const kept: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) kept.push(line);
    if (kept.length > lines) kept.splice(0, kept.length - lines);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => kept.join('\n');
}

/** Task queue types of `DescribeTaskQueue` (temporal.api.enums.v1.TaskQueueType). */
const WORKFLOW_QUEUE = 1;
const ACTIVITY_QUEUE = 2;

/** Starts `src/worker.ts`, the production worker entry, and resolves once it polls both task queues. */
async function startWorker(
  env: NodeJS.ProcessEnv,
  client: Client,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const polled = async (name: string, type: number) => {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name },
      taskQueueType: type,
    });
    return (pollers?.length ?? 0) > 0;
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode} before it polled:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`worker did not poll within 120 s:\n${output()}`);
    if ((await polled(TASK_QUEUE, WORKFLOW_QUEUE)) && (await polled(LLM_TASK_QUEUE, ACTIVITY_QUEUE))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { child, output };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Pids of the PostgreSQL backends connected to `database` (for their CPU). */
async function backendPids(pool: Pool, database: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((r) => r.pid);
}

/**
 * Runs one batch through Docket exactly as production does: a real Temporal dev server, a fresh database, the
 * simulator, one `src/worker.ts` process configured through DOCKET_* variables, and `submitBatch` (what
 * `POST /v1/batches` calls). Measures from the moment of submission.
 */
export async function runDocket(options: DocketSideOptions): Promise<SideRun> {
  const { documents, log } = options;
  const [temporal, db, sim] = await Promise.all([
    startTemporal(),
    startTestDatabase(options.database),
    startSimulator({ profile: options.simulator }),
  ]);
  const port = temporal.address.split(':').pop() ?? '';
  const temporalPids = findProcesses(['start-dev', port]);
  const databaseName = new URL(db.url).pathname.slice(1);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    DATABASE_URL: db.url,
    OPENAI_BASE_URL: sim.baseUrl,
    OPENAI_API_KEY: 'sk-docket-bench',
    // Encrypted as in production: the codec's cost is part of what the benchmark measures.
    DOCKET_PAYLOAD_KEYS: generatePayloadKey('bench'),
    DOCKET_LOG_LEVEL: 'warn',
    DOCKET_MAX_BATCH_DOCUMENTS: String(Math.max(10_000, documents.length)),
    ...options.env,
  };
  const pool = createPool(db.url, 4);
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  const run: SideRun = newSideRun('docket', sim.requests);
  let sampler: NodeJS.Timeout | undefined;
  const config = loadConfig(env);
  const { connection, client } = await connectClient(config.temporal, {
    dataConverter: createDataConverter(config.payload),
  });
  try {
    worker = await startWorker(env, client);
    const workerPid = worker.child.pid as number;
    const cpu = { client: new CpuTracker(), temporal: new CpuTracker(), database: new CpuTracker() };
    const history = { peakLength: 0, peakSizeBytes: 0, runs: 0, samples: 0 };
    const window = { peak: 0, sum: 0, samples: 0 };
    let batchId: string | undefined = undefined;
    let completed = 0;
    let databasePids: number[] = [];
    // Processes are sampled on every tick, synchronously; database and Temporal reads run beside, never blocking it
    // (a query can wait seconds for a workflow task while the batch continues as new).
    const sampleProcesses = () => {
      cpu.client.sample([workerPid]);
      cpu.temporal.sample(temporalPids);
      cpu.database.sample(databasePids);
      for (const pid of temporalPids) {
        const m = processMemory(pid);
        if (m) run.peakRss.temporal = Math.max(run.peakRss.temporal ?? 0, m.rss);
      }
      const memory = processMemory(workerPid);
      if (memory && batchId) {
        run.peakRss.client = Math.max(run.peakRss.client, memory.rss);
        run.rssSeries.push({ t: (Date.now() - run.submittedAt) / 1000, rss: memory.rss, completed });
      }
    };
    let reading = false;
    const readProgress = async () => {
      if (reading) return;
      reading = true;
      try {
        if (options.database === 'postgres') databasePids = await backendPids(pool, databaseName);
        if (!batchId) return;
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM batch_documents b JOIN classifications c ON c.document_id = b.document_id
           WHERE b.batch_id = $1`,
          [batchId],
        );
        completed = rows[0]?.n ?? completed;
        const handle = client.workflow.getHandle(batchWorkflowId(batchId));
        // A deadline, not a timeout around the promise: the call itself ends (its gRPC retries included) before the
        // connection is closed at the end of the run.
        const described = await client.withDeadline(Date.now() + 2_000, () => handle.describe());
        history.samples++;
        history.peakLength = Math.max(history.peakLength, described.historyLength);
        history.peakSizeBytes = Math.max(history.peakSizeBytes, described.historySize ?? 0);
        if (described.status.name !== 'RUNNING') return;
        const progress = await client.withDeadline(Date.now() + 2_000, () => handle.query(batchProgressQuery));
        history.runs = Math.max(history.runs, progress.runs);
        const inFlight = progress.started - Object.values(progress.settled).reduce((a, b) => a + b, 0);
        window.peak = Math.max(window.peak, inFlight);
        window.sum += inFlight;
        window.samples++;
      } catch {
        // A read can miss (the batch not yet visible, a run switching over); the next one counts.
      } finally {
        reading = false;
      }
    };
    const sample = async () => {
      await readProgress();
      sampleProcesses();
    };
    await sample();
    const harnessBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    run.submittedAt = Date.now();
    const accepted = await submitBatch(
      { pool, client, config },
      { documents: documents.map((d) => ({ id: d.id, text: d.text })) },
    );
    batchId = accepted.batchId;
    run.submitSeconds = (Date.now() - run.submittedAt) / 1000;
    let lastLog = Date.now();
    sampler = setInterval(() => {
      sampleProcesses();
      void readProgress();
      if (Date.now() - lastLog < 10_000) return;
      lastLog = Date.now();
      const rate = completed / ((Date.now() - run.submittedAt) / 1000);
      // Memory and history as it goes, so that a long run cut short still shows whether they stay bounded.
      const rssMb = (processMemory(workerPid)?.rss ?? 0) / 2 ** 20;
      log(
        `  docket: ${completed}/${documents.length} classified, ${rate.toFixed(1)} docs/s; worker RSS ` +
          `${rssMb.toFixed(0)} MB (peak ${(run.peakRss.client / 2 ** 20).toFixed(0)}); batch history peak ` +
          `${history.peakLength} events, run ${history.runs}`,
      );
    }, options.sampleMs);
    const handle = client.workflow.getHandle<typeof classifyBatchWorkflow>(batchWorkflowId(batchId));
    const result = await withTimeout(handle.result(), options.timeoutMs);
    clearInterval(sampler);
    sampler = undefined;
    while (reading) await new Promise((r) => setTimeout(r, 10));
    await sample();
    const closed = await handle.describe();
    const harness = process.cpuUsage(harnessBefore);
    const machine = machineBusySeconds() - machineBefore;
    run.cpuSeconds = {
      client: cpu.client.seconds(),
      temporal: cpu.temporal.seconds(),
      ...(options.database === 'postgres' ? { database: cpu.database.seconds() } : {}),
      harness: (harness.user + harness.system) / 1e6,
    };
    const ours = Object.values(run.cpuSeconds).reduce((a, b) => a + b, 0);
    run.cpuSeconds.others = Math.max(0, machine - ours);
    if (window.samples > 0) run.window = { peak: window.peak, mean: window.sum / window.samples };
    run.clientVmHwm = processMemory(workerPid)?.peakRss;
    run.outcomes = { ...result.progress.settled };
    if (result.progress.skipped > 0) run.outcomes['skipped'] = result.progress.skipped;
    history.runs = result.progress.runs;
    run.history = history;
    const done = await pool.query<{ id: string; at: number }>(
      `SELECT c.document_id AS id, (extract(epoch FROM c.decided_at) * 1000)::float8 AS at
       FROM batch_documents b JOIN classifications c ON c.document_id = b.document_id WHERE b.batch_id = $1`,
      [batchId],
    );
    for (const row of done.rows) run.doneAt.set(row.id, row.at);
    // Every document has its final outcome when the batch closes (it waits for the last child's notice).
    let last = run.submittedAt;
    for (const at of run.doneAt.values()) last = Math.max(last, at);
    run.settledAt = run.doneAt.size === documents.length ? last : Math.max(last, closed.closeTime?.getTime() ?? last);
    const tokens = await pool.query<{ n: number }>(
      `SELECT coalesce(sum(l.output_tokens), 0)::float8 AS n
       FROM batch_documents b JOIN llm_calls l ON l.document_id = b.document_id WHERE b.batch_id = $1`,
      [batchId],
    );
    run.completionTokens = tokens.rows[0]?.n ?? 0;
  } catch (err) {
    run.error = `${(err as Error).message}${worker ? `\n--- worker output ---\n${worker.output()}` : ''}`;
  } finally {
    if (sampler) clearInterval(sampler);
    if (worker) await stopChild(worker.child);
    await pool.end();
    await connection.close();
    await Promise.allSettled([temporal.teardown(), sim.close(), db.close()]);
  }
  return run;
}

import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { contentHash } from '../../src/documents/submit.js';
import { loadConfig, type Config } from '../../src/config.js';
import { insertBatch } from '../../src/db/queries.js';
import { batchWorkflowId, TASK_QUEUE } from '../../src/shared/names.js';
import { defaultPrompt } from '../../src/llm/prompt.js';
import { DEFAULT_TAXONOMY } from '../../src/shared/taxonomy.js';
import type { ClassifyBatchInput } from '../../src/shared/workflow-types.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startSimulator, type Simulator, type SimulatorProfile } from '../../src/simulator/index.js';
import { bundleWorkflows, createWorkers, type DocketWorkers } from '../../src/worker/create-workers.js';
import { installRuntime } from '../../src/worker/runtime.js';
import { connectClient, connectWorker } from '../../src/temporal-connection.js';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { generatePayloadKey } from '../../src/codec/payload-keys.js';
import { defaultDatabaseKind, startTestDatabase, type DatabaseKind, type TestDatabase } from './database.js';
import { startTemporal } from './temporal.js';

export const TEST_TOKENS = {
  submitter: 'submitter-token-0123456789',
  reviewer: 'reviewer-token-0123456789',
  admin: 'admin-token-0123456789abcd',
} as const;
export const TEST_TOKENS_ENV = `ci:submitter:${TEST_TOKENS.submitter},ann:reviewer:${TEST_TOKENS.reviewer},ops:admin:${TEST_TOKENS.admin}`;

/**
 * DOCKET_PAYLOAD_KEYS with a fresh key, so that every test runs encrypted as production does. Child processes started
 * with `childEnv` share it with the test's own client and workers.
 */
export function testPayloadKeysEnv(): string {
  return generatePayloadKey(`test-${process.pid}-${Date.now()}`);
}

let runtimeInstalled = false;
function installRuntimeOnce(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  installRuntime(process.env.DOCKET_TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows();
  return bundle;
}

/** Options of `Worker.runReplayHistory`: the file's bundle, and the data converter whose keys decrypt the histories. */
export async function replayOptions(config: Config): Promise<{
  workflowBundle: WorkflowBundleWithSourceMap;
  dataConverter: ReturnType<typeof createDataConverter>;
}> {
  return { workflowBundle: await workflowBundle(), dataConverter: createDataConverter(config.payload) };
}

export interface DocketTestEnv {
  temporal: TestWorkflowEnvironment;
  /** A client made by src/temporal-connection.ts from `config`, as the API makes its own. */
  client: Client;
  /** A worker connection made by src/temporal-connection.ts from `config`. */
  nativeConnection: NativeConnection;
  db: TestDatabase;
  pool: Pool;
  sim: Simulator;
  config: Config;
  logger: Logger;
  /** Environment a child process (CLI, API server, worker) needs to reach these servers. */
  childEnv: NodeJS.ProcessEnv;
  startWorker(overrides?: Record<string, string>): Promise<DocketWorkers & { done: Promise<void> }>;
  stop(): Promise<void>;
}

export interface DocketTestOptions {
  database?: DatabaseKind;
  /** Extra DOCKET_* variables. */
  env?: Record<string, string>;
  simulator?: Partial<SimulatorProfile>;
  /** The Temporal dev server's SQLite file. @default in memory */
  temporalDbFilename?: string;
  /** Start one worker right away. @default true */
  worker?: boolean;
}

/** Starts a real Temporal dev server, a fresh database and the simulator on free ports, plus a worker. */
export async function startDocket(options: DocketTestOptions = {}): Promise<DocketTestEnv> {
  installRuntimeOnce();
  const [temporal, db, sim] = await Promise.all([
    startTemporal({ dbFilename: options.temporalDbFilename }),
    defaultDatabaseKind().then((kind) => startTestDatabase(options.database ?? kind)),
    startSimulator({ profile: options.simulator }),
  ]);
  const childEnv: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    DATABASE_URL: db.url,
    OPENAI_BASE_URL: sim.baseUrl,
    OPENAI_API_KEY: 'sk-docket-test',
    DOCKET_API_TOKENS: TEST_TOKENS_ENV,
    DOCKET_LOG_LEVEL: 'warn',
    DOCKET_LLM_TIMEOUT_MS: '5000',
    DOCKET_PAYLOAD_KEYS: testPayloadKeysEnv(),
    // No audits unless a test asks: 2% of documents drawn by id would put audits in other tests' review queues.
    DOCKET_AUDIT_RATE: '0',
    ...options.env,
  };
  const config = loadConfig(childEnv);
  const [{ connection, client }, nativeConnection] = await Promise.all([
    connectClient(config.temporal, { dataConverter: createDataConverter(config.payload) }),
    connectWorker(config.temporal),
  ]);
  const pool = createPool(db.url);
  const logger = createLogger({ level: process.env.DOCKET_TEST_LOG_LEVEL ?? 'silent' });
  const running: (DocketWorkers & { done: Promise<void> })[] = [];

  async function startWorker(overrides: Record<string, string> = {}) {
    const workerConfig = loadConfig({ ...childEnv, ...overrides });
    const workers = await createWorkers({
      connection: nativeConnection,
      config: workerConfig,
      pool,
      openai: createOpenAIClient({ ...workerConfig.openai }),
      logger,
      workflowBundle: await workflowBundle(),
    });
    const done = workers.run();
    const handle = { ...workers, done };
    running.push(handle);
    return handle;
  }

  if (options.worker !== false) await startWorker();

  return {
    temporal,
    client,
    nativeConnection,
    db,
    pool,
    sim,
    config,
    logger,
    childEnv,
    startWorker,
    async stop() {
      for (const w of running) w.shutdown();
      await Promise.allSettled(running.map((w) => w.done));
      await pool.end();
      await Promise.allSettled([connection.close(), nativeConnection.close()]);
      await Promise.allSettled([temporal.teardown(), sim.close(), db.close()]);
    },
  };
}

/** The settings a batch's documents run with in tests: the default taxonomy, model and prompt. */
export function testDocumentSettings(serverErrorCeiling = 3): ClassifyBatchInput['document'] {
  return {
    taxonomy: DEFAULT_TAXONOMY,
    model: 'gpt-4o-mini',
    promptVersion: defaultPrompt().version,
    confidenceThreshold: 0.5,
    serverErrorCeiling,
    review: { timeoutMs: 60_000, timeoutPolicy: 'escalate' },
  };
}

/** Stores a batch's documents and starts its workflow directly (window 4 unless `options` says otherwise). */
export async function startTestBatch(
  env: DocketTestEnv,
  batchId: string,
  documents: { id: string; text: string }[],
  options: Partial<ClassifyBatchInput> = {},
) {
  const rows = documents.map(({ id, text }) => ({
    id,
    contentHash: contentHash(text),
    text,
    metadata: {},
    taxonomy: 'default',
  }));
  const { conflicts } = await insertBatch(env.pool, { id: batchId, taxonomy: 'default' }, rows);
  if (conflicts.length > 0) throw new Error(`batch ${batchId}: conflicting documents ${conflicts.join(', ')}`);
  const input: ClassifyBatchInput = {
    batchId,
    total: documents.length,
    window: 4,
    document: testDocumentSettings(),
    ...options,
  };
  return env.client.workflow.start('classifyBatchWorkflow', {
    workflowId: batchWorkflowId(batchId),
    taskQueue: TASK_QUEUE,
    args: [input],
  });
}

import { appendFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { generatePayloadKey } from '../../src/codec/payload-keys.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server.js';
import {
  postgresAnswers,
  startScratchDatabase,
  type ScratchDatabase,
  type ScratchDatabaseKind,
} from '../../src/dev/scratch-database.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { startSimulator, type Simulator, type SimulatorProfile } from '../../src/simulator/index.js';
import { managedProcess, type ManagedProcess } from './processes.js';
import { freePort, startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** The PostgreSQL server of this machine and CI (trust auth); the campaign creates and drops its own database. */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Tokens of the campaign's API (never printed: they only exist for the run). */
export const CHAOS_TOKENS = {
  submitter: 'chaos-submitter-0123456789',
  admin: 'chaos-admin-0123456789abcdef',
} as const;

/** Every real component of a campaign, on free ports, and the handles to break and mend them. */
export interface ChaosCluster {
  runDir: string;
  database: ScratchDatabase;
  /** What the API and workers connect to; cutting it is the database outage. */
  proxy: TcpProxy;
  /** A direct connection for the campaign's own reads (never through the proxy). */
  pool: Pool;
  sim: Simulator;
  temporalAddress: string;
  /** A client of the campaign's own, for visibility reads. */
  client: Client;
  api: ManagedProcess;
  apiUrl: string;
  workers: ManagedProcess[];
  /** SIGKILLs the Temporal server, and later starts it again on the same port and database file. */
  killTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  readonly temporalRunning: boolean;
  /** Output files of every process, and the Temporal server's database file and write-ahead log (marker search). */
  logFiles(): { process: string; file: string }[];
  stop(): Promise<void>;
}

export interface ClusterOptions {
  database: ScratchDatabaseKind | 'auto';
  simulator: Partial<SimulatorProfile>;
  workers: number;
  /** Extra DOCKET_* settings of the API and workers. */
  env: Record<string, string>;
  log: (line: string) => void;
}

/** Starts Temporal (with a database file), a fresh database behind a TCP proxy, the simulator, the API and workers. */
export async function startCluster(options: ClusterOptions): Promise<ChaosCluster> {
  const runDir = mkdtempSync(join(os.tmpdir(), 'docket-chaos-'));
  const kind =
    options.database === 'auto'
      ? (await postgresAnswers(POSTGRES_ADMIN_URL))
        ? 'postgres'
        : 'pglite'
      : options.database;
  const cli = findTemporalCli();
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const dbFilename = join(runDir, 'temporal.db');
  const temporalLog = join(runDir, 'temporal.log');
  const startDevServer = () =>
    startTemporalDevServer({ cli, dbFilename, port: temporalPort, uiPort }).then((server) => {
      server.child.stderr?.on('data', (chunk: Buffer) => appendFileSync(temporalLog, chunk));
      return server;
    });
  let temporal: DevServer = await startDevServer();
  const [database, sim] = await Promise.all([
    startScratchDatabase(kind, POSTGRES_ADMIN_URL, 'docket_chaos'),
    startSimulator({ profile: options.simulator }),
  ]);
  const databaseUrl = new URL(database.url);
  const proxy = await startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port) });
  const proxiedUrl = new URL(database.url);
  proxiedUrl.port = String(proxy.port);
  options.log(`${kind} database, Temporal on ${temporal.address}, files in ${runDir}`);

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    DATABASE_URL: proxiedUrl.toString(),
    OPENAI_BASE_URL: sim.baseUrl,
    OPENAI_API_KEY: 'sk-docket-chaos',
    DOCKET_API_TOKENS: `chaos:submitter:${CHAOS_TOKENS.submitter},ops:admin:${CHAOS_TOKENS.admin}`,
    DOCKET_LOG_LEVEL: 'info',
    // Encrypted like production: the marker search in Temporal's database file then also checks the codec.
    DOCKET_PAYLOAD_KEYS: generatePayloadKey('chaos'),
    ...options.env,
  };
  const api = managedProcess({
    name: 'api',
    script: 'src/api/server.ts',
    env: { ...env, PORT: String(apiPort) },
    logFile: join(runDir, 'api.log'),
    ready: /API listening/,
  });
  const workers = Array.from({ length: options.workers }, (_, i) =>
    managedProcess({
      name: `worker-${i + 1}`,
      script: 'src/worker.ts',
      env,
      logFile: join(runDir, `worker-${i + 1}.log`),
      ready: /worker started/,
    }),
  );
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default' });
  const pool = createPool(database.url, 4);
  // Workers one after the other: bundling two at once on two cores takes longer than in turn.
  await api.start();
  for (const worker of workers) await worker.start();

  return {
    runDir,
    database,
    proxy,
    pool,
    sim,
    temporalAddress: temporal.address,
    client,
    api,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    workers,
    get temporalRunning() {
      return temporal.child.exitCode === null && temporal.child.signalCode === null;
    },
    async killTemporal() {
      const exited = new Promise((resolve) => temporal.child.once('exit', resolve));
      // The dev server runs behind its watchdog in a process group of its own: kill the whole group, as a crash would.
      process.kill(-temporal.child.pid!, 'SIGKILL');
      await exited;
    },
    async startTemporal() {
      temporal = await startDevServer();
    },
    logFiles: () => [
      { process: 'api', file: api.logFile },
      ...workers.map((w) => ({ process: w.name, file: w.logFile })),
      { process: 'temporal', file: temporalLog },
      // Workflow histories must hold ids, never document content; the latest commits are still in the write-ahead log.
      { process: 'temporal histories (database file)', file: dbFilename },
      { process: 'temporal histories (write-ahead log)', file: `${dbFilename}-wal` },
    ],
    async stop() {
      await Promise.allSettled([api.kill('SIGTERM'), ...workers.map((w) => w.kill('SIGTERM'))]);
      await connection.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await temporal.stop().catch(() => undefined);
      await proxy.close();
      await Promise.allSettled([sim.close(), database.close()]);
    },
  };
}

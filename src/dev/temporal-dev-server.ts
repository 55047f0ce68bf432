import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../shared/search-attributes.js';

export interface DevServerOptions {
  /** The `temporal` CLI binary. */
  cli: string;
  /** Persisted state, so a restart resumes unfinished work (write-ahead logged: `-wal` and `-shm` files beside it). */
  dbFilename: string;
  /** @default 127.0.0.1 */
  ip?: string;
  /** @default 7233 */
  port?: number;
  /** @default 8233 */
  uiPort?: number;
  /** Docket's codec endpoint (`<api>/codec`), so the Web UI shows decrypted payloads (`--ui-codec-endpoint`). */
  codecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** The watchdog that runs the server: it leads the server's process group (its pid is the group id). */
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs the dev server and stops it when this process exits in any way, SIGKILL included. */
const WATCHDOG = fileURLToPath(new URL('./child-watchdog.mjs', import.meta.url));

/**
 * Task queue settings of `temporal server start-dev` (compose sets the same in temporal/dynamicconfig/docket.yaml): one
 * partition per task queue, and fairness. Priority orders tasks within a partition, so with one partition it holds
 * for the whole queue; fairness lets the batches of the batch lane (each its own fairness key) take turns.
 */
export const TASK_QUEUE_ARGS = [
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
  '--dynamic-config-value',
  'matching.enableFairness=true',
];

/**
 * SQLite pragmas of the server's database file. Write-ahead logging with `synchronous=normal` syncs the log at
 * checkpoints instead of at every commit: the embedded server is otherwise throttled by disk syncs (issue 18 measured
 * 4x the documents per second). A crash of the process loses nothing; a crash of the machine can lose the last
 * transactions since the log's last sync, never corrupt the file (README, "Durability of the embedded server").
 */
export const SQLITE_PRAGMA_ARGS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

/** Runs `temporal server start-dev` with Docket's search attributes and waits until its frontend answers. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  mkdirSync(dirname(options.dbFilename), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFilename,
    ...SQLITE_PRAGMA_ARGS,
    '--ip',
    ip,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--log-level',
    'error',
    // One partition (an exact DOCKET_LLM_RPM, priority over the whole queue) and fairness: see TASK_QUEUE_ARGS.
    ...TASK_QUEUE_ARGS,
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ...Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  // In its own process group (detached), so the terminal's Ctrl-C reaches Docket only, which stops the server last,
  // after the worker has drained; behind the watchdog, whose stdin pipe closes when this process dies in any way.
  const child = spawn(process.execPath, [WATCHDOG, options.cli, ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `${ip}:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 250))]);
    if (early !== 'running') {
      throw new Error(`temporal server start-dev exited with code ${early}: ${stderr.trim() || 'no output'}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        killGroup(child, 'SIGKILL');
        throw new Error(`Temporal dev server did not answer on ${address} within 60 s: ${stderr.trim()}`);
      }
    }
  }

  return {
    address,
    uiUrl: `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${uiPort}`,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Signals the watchdog and the server together (the watchdog leads their process group). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

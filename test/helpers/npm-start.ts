import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portTaken } from '../../src/dev/ports.js';
import { freePort } from './browser.js';
import { waitFor } from './wait.js';

/** Every process whose command line mentions `marker` (the data directory of a run). */
export function processesMentioning(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

export interface NpmStart {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C in a terminal: SIGINT to every process of the foreground group (npm, and Docket behind it). */
  ctrlC(): void;
}

/** A data directory and free ports for `npm start`, and what to do with them. */
export interface DevRun {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  api: string;
  /** `npm start` as a user runs it, in its own process group as a terminal would. */
  npmStart(): NpmStart;
  /** `npm start`, once its banner is out. */
  started(): Promise<NpmStart>;
  /** Waits until nothing of this run is left: no process naming its data directory, no port of it held. */
  noProcessLeft(): Promise<void>;
  /** The pid `npm start` recorded in the data directory. */
  docketPid(): number;
  /** A call to the API with the dev token of `role`. */
  call(path: string, body?: unknown, role?: string): Promise<Response>;
  /** Kills whatever is left and removes the data directory. */
  cleanUp(): void;
}

/** Prepares a run of `npm start` with everything embedded (no DATABASE_URL, no OPENAI_*, no TEMPORAL_ADDRESS). */
export async function prepareDevRun(prefix: string): Promise<DevRun> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const [port, temporalPort, uiPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const api = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKET_DATA_DIR: dataDir,
    PORT: String(port),
    DOCKET_DEV_TEMPORAL_PORT: String(temporalPort),
    DOCKET_DEV_UI_PORT: String(uiPort),
    DOCKET_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
  };
  const npmStart = (): NpmStart => {
    const child = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, output: () => out, ctrlC: () => process.kill(-child.pid!, 'SIGINT') };
  };
  const tokens = () => JSON.parse(readFileSync(join(dataDir, 'dev-tokens.json'), 'utf8')) as Record<string, string>;
  return {
    dataDir,
    env,
    api,
    npmStart,
    async started() {
      const dev = npmStart();
      await waitFor(
        async () => dev.output(),
        (o) => /Docket is running/.test(o) || dev.child.exitCode !== null,
        { timeoutMs: 120_000 },
      );
      assert.match(dev.output(), /Docket is running/);
      return dev;
    },
    async noProcessLeft() {
      await waitFor(
        async () => processesMentioning(dataDir),
        (p) => p.length === 0,
        { timeoutMs: 30_000 },
      );
      const ports = [port, temporalPort, uiPort];
      await waitFor(
        async () => Promise.all(ports.map((p) => portTaken('127.0.0.1', p))),
        (taken) => taken.every((t) => !t),
        { timeoutMs: 30_000 },
      );
    },
    docketPid: () => (JSON.parse(readFileSync(join(dataDir, 'docket.pid'), 'utf8')) as { pid: number }).pid,
    call: (path, body, role = 'submitter') =>
      fetch(`${api}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${tokens()[role]}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    cleanUp() {
      for (const line of processesMentioning(dataDir)) process.kill(Number(line.trim().split(' ')[0]), 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

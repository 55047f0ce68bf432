import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A Docket process (API or worker) the campaign can kill and start again, its output appended to one log file. */
export interface ManagedProcess {
  name: string;
  logFile: string;
  /** Starts it and resolves once its output matches the ready pattern. */
  start(): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  readonly running: boolean;
  /** Exits the campaign did not cause (the process died by itself). */
  readonly unexpectedExits: number;
  /** Called after an exit the campaign did not cause. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface ManagedProcessOptions {
  name: string;
  /** The TypeScript entry point, relative to the project root (`src/worker.ts`). */
  script: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Output that says the process is ready. */
  ready: RegExp;
  /** @default 180000 (bundling the workflows takes a while on a loaded machine) */
  readyTimeoutMs?: number;
}

/** Runs `node --import tsx <script>` from the project root, as `npm run worker` / `npm run api` would. */
export function managedProcess(options: ManagedProcessOptions): ManagedProcess {
  let child: ChildProcess | undefined;
  let expectingExit = false;
  let unexpectedExits = 0;
  const self: ManagedProcess = {
    name: options.name,
    logFile: options.logFile,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get unexpectedExits() {
      return unexpectedExits;
    },
    async start() {
      // A supervisor's restart and an event's may meet: one process per name.
      if (self.running) return;
      expectingExit = false;
      const started = spawn(process.execPath, ['--import', 'tsx', options.script], {
        cwd: ROOT,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      let recent = '';
      const ready = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${options.name} not ready within ${options.readyTimeoutMs ?? 180_000} ms`)),
          options.readyTimeoutMs ?? 180_000,
        );
        const onData = (chunk: Buffer) => {
          appendFileSync(options.logFile, chunk);
          recent = (recent + chunk.toString()).slice(-4000);
          if (options.ready.test(recent)) {
            clearTimeout(timer);
            resolve();
          }
        };
        started.stdout?.on('data', onData);
        started.stderr?.on('data', onData);
        started.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready:\n${recent}`));
        });
      });
      started.once('exit', (code, signal) => {
        if (expectingExit || child !== started) return;
        unexpectedExits++;
        appendFileSync(options.logFile, `\n[chaos] ${options.name} exited by itself: ${code ?? signal}\n`);
        self.onUnexpectedExit?.(code, signal);
      });
      await ready;
    },
    async kill(signal) {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      expectingExit = true;
      const exited = once(current, 'exit');
      current.kill(signal);
      const timer = setTimeout(() => current.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return self;
}

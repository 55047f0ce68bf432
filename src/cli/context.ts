import type { DocketClient } from '../client/docket-client.js';
import { connect, type ConnectionFlags, type Role } from './connection.js';
import type { ExitCode } from './exit-codes.js';
import { jsonCosts } from './format.js';

/** The process around the CLI: streams, environment and working directory (tests pass their own). */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What every command's action receives: the process, its output, its exit code and its connection to the API. */
export interface CommandContext {
  io: CliIo;
  /** One line on stdout. */
  print(line?: string): void;
  /** One JSON document on stdout, dollar amounts rounded (see `jsonCosts`). */
  printJson(value: unknown): void;
  /** One line on stderr: warnings and progress notes, never the command's result. */
  warn(line: string): void;
  /** The exit code when the action returns without throwing (0 unless set). */
  setExitCode(code: ExitCode): void;
  /** A client of the API for the role the command needs, from its `--url` and `--token`. */
  connect(flags: ConnectionFlags, role: Role): DocketClient;
}

/** The context of one run of the CLI over `io`. */
export function createContext(io: CliIo, setExitCode: (code: ExitCode) => void): CommandContext {
  return {
    io,
    print: (line = '') => io.stdout.write(`${line}\n`),
    printJson: (value) => io.stdout.write(`${JSON.stringify(value, jsonCosts, 2)}\n`),
    warn: (line) => io.stderr.write(`${line}\n`),
    setExitCode,
    connect: (flags, role) => connect(flags, role, io.env, io.cwd),
  };
}

import { CommanderError } from 'commander';
import { DocketApiError } from '../client/docket-client.js';
import { CliError, EXIT_CODES } from './exit-codes.js';

/** How the CLI reports an error that ended a command. */
export interface ErrorReport {
  exitCode: number;
  /** `usage`, `error`, or the API's error code: the `error.code` of `--json` output. */
  code: string;
  /** The line after `docket: `, with a hint when the API was unreachable or refused the token. */
  message: string;
  /** The API's HTTP status (0 when it was unreachable). */
  status?: number;
}

/** The report of an error a command threw: its own message for CLI and API errors, the stack for a bug. */
export function describeError(err: unknown): ErrorReport {
  if (err instanceof CliError) {
    return {
      exitCode: err.exitCode,
      code: err.exitCode === EXIT_CODES.usage ? 'usage' : 'error',
      message: err.message,
    };
  }
  if (err instanceof DocketApiError) {
    return {
      exitCode: EXIT_CODES.failure,
      code: err.code,
      status: err.status,
      message: `${err.message}${apiErrorHint(err)}`,
    };
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { exitCode: EXIT_CODES.failure, code: 'error', message };
}

/**
 * Prints an error that ended a command on stderr (and as `{ error }` on stdout with `--json`) and returns the exit
 * code. Commander has printed its own usage errors and the help already: only their exit code is left to decide.
 */
export function reportError(
  err: unknown,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  json: boolean,
): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  const { exitCode, code, message, status } = describeError(err);
  io.stderr.write(`docket: ${message}\n`);
  if (exitCode === EXIT_CODES.usage && !json) io.stderr.write('(add --help for usage)\n');
  if (json) {
    const error = { code, message, ...(status !== undefined ? { status } : {}) };
    io.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
  }
  return exitCode;
}

function apiErrorHint(err: DocketApiError): string {
  if (err.status === 0) return '\n  Is Docket running? Start it with npm start, or point --url / DOCKET_URL at it.';
  if (err.status === 401) return '\n  Check DOCKET_TOKEN or --token.';
  return '';
}

import { type Command, InvalidArgumentError, Option } from 'commander';
import { CONNECTION_HELP, type ConnectionFlags } from './connection.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

/** `--json`, on every command that calls the API. */
export interface OutputFlags {
  json?: boolean;
}

/** The flags every command that calls the API has. */
export type ApiFlags = ConnectionFlags & OutputFlags;

/** `--wait`, `--timeout` and `--poll-interval`, on the commands that can follow documents until they settle. */
export interface WaitFlags {
  wait?: boolean;
  /** Seconds. */
  timeout?: number;
  /** Milliseconds. */
  pollInterval: number;
}

/** Adds a command that talks to the API under `parent`: connection flags, --json, and the shared help. */
export function addApiCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--url <url>', 'the Docket API (default $DOCKET_URL, else http://127.0.0.1:$PORT)')
    .option('--token <token>', 'bearer token (default $DOCKET_TOKEN, else .data/dev-tokens.json); prefer the variable')
    .option('--json', 'print one JSON document on stdout, for scripts')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${CONNECTION_HELP}`);
}

/** Adds `--wait`, `--timeout` and `--poll-interval` (see `WaitFlags`) to `command`. */
export function addWaitOptions(command: Command): Command {
  return command
    .option('--wait', 'wait until every document is completed, failed, pending review or paused')
    .option('--timeout <seconds>', 'stop waiting after this many seconds (exit 1) (default: no limit)', positiveNumber)
    .addOption(pollIntervalOption('milliseconds between two polls while waiting'));
}

/** `--poll-interval <ms>`, default one second. */
export function pollIntervalOption(description: string): Option {
  return new Option('--poll-interval <ms>', description).default(1000).argParser(positiveInteger);
}

/** Option parser: an integer above zero. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Option parser: a finite number above zero. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** Option parser: comma-separated file extensions, without their dots (`txt, .md` → `['txt', 'md']`). */
export function extensionList(value: string): string[] {
  const list = value
    .split(',')
    .map((e) => e.trim().replace(/^\./, ''))
    .filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError('expected extensions like txt,md');
  return list;
}

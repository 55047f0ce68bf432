/** Exit codes of the `docket` CLI (documented in `docket --help`). */
export const EXIT_CODES = {
  ok: 0,
  /** An API error, a rejected document, unreadable input, or `--wait` ran out of time. */
  failure: 1,
  /** The command line is wrong: unknown command or option, missing argument, no token. */
  usage: 2,
  /** `--wait` ended with documents pending review or paused: a person or an operator must act. */
  needsAttention: 3,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** A failure the CLI reports in one line and turns into an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT_CODES.failure,
  ) {
    super(message);
  }
}

/** The command line is wrong (exit code 2). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT_CODES.usage);
  }
}

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failure: an API error, a rejected document, unreadable input, or --wait timed out
  2  usage error: unknown command or option, missing argument, no token
  3  --wait ended with documents pending review or paused (a person or an operator must act)`;

/** Exit codes from the least to the most urgent: what a script must look at first wins. */
const URGENCY: readonly ExitCode[] = [EXIT_CODES.ok, EXIT_CODES.needsAttention, EXIT_CODES.failure, EXIT_CODES.usage];

/** The more urgent of two exit codes: a failure outweighs documents that need attention, which outweigh success. */
export function mostUrgent(a: ExitCode, b: ExitCode): ExitCode {
  return URGENCY.indexOf(b) > URGENCY.indexOf(a) ? b : a;
}

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

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerBatch } from './commands/batch.js';
import { registerCanary } from './commands/canary.js';
import { registerCompare } from './commands/compare.js';
import { registerDev } from './commands/dev.js';
import { registerErase } from './commands/erase.js';
import { registerReclassify } from './commands/reclassify.js';
import { registerReport } from './commands/report.js';
import { registerResume } from './commands/resume.js';
import { registerReview } from './commands/review.js';
import { registerReviews } from './commands/reviews.js';
import { registerSamples } from './commands/samples.js';
import { registerStatus } from './commands/status.js';
import { registerSubmit } from './commands/submit.js';
import { CONNECTION_HELP } from './connection.js';
import { createContext, type CliIo, type CommandContext } from './context.js';
import { reportError } from './error-output.js';
import { EXIT_CODES, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';

export type { CliIo } from './context.js';

/** The commands of `docket`, in the order `docket --help` lists them. */
const COMMANDS: readonly ((program: Command, ctx: CommandContext) => void)[] = [
  registerSubmit,
  registerStatus,
  registerBatch,
  registerReviews,
  registerReview,
  registerResume,
  registerErase,
  registerReport,
  registerSamples,
  registerCompare,
  registerReclassify,
  registerCanary,
  registerDev,
];

/** Runs the `docket` command line; resolves with the exit code (see `EXIT_CODES`). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: ExitCode = EXIT_CODES.ok;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, io, argv.includes('--json'));
  }
}

/** The commander program of `docket`: every command and option (test/docs parses the documented commands with it). */
export function createProgram(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('docket')
    .description('Durable LLM document classification: submit documents, follow them, decide reviews.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${CONNECTION_HELP}\n\nTokens and document texts are never printed.`);
  const ctx = createContext(io, setExitCode);
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

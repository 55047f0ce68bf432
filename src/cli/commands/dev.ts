import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

/** `docket dev` (what `npm start` runs): every part of Docket on this machine, until Ctrl-C. */
export function registerDev(program: Command, ctx: CommandContext): void {
  program
    .command('dev')
    .description(
      'Run Docket on this machine (npm start): Temporal dev server, embedded database, worker, API, and the LLM simulator unless OPENAI_API_KEY or OPENAI_BASE_URL is set',
    )
    .addHelpText('after', '\nStops with Ctrl-C; state is kept in $DOCKET_DATA_DIR (default .data/).')
    .action(async () => {
      // Loaded only here: the other commands must not pull in Temporal, PGlite and the worker.
      const { runDev } = await import('../../dev/start.js');
      await runDev(ctx.io.env);
    });
}

import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { excerpt, plural } from '../format.js';
import { addApiCommand, type ApiFlags } from '../options.js';

type ResumeFlags = ApiFlags & { all?: boolean };

/** `docket resume <id>` or `docket resume --all`: clears operator pauses (admin token). */
export function registerResume(program: Command, ctx: CommandContext): void {
  addApiCommand(
    program,
    'resume',
    "Clear operator pauses (needs an admin token): one document's, or every one with --all",
  )
    .argument('[id]', 'the paused document')
    .option('--all', 'resume every paused document')
    .action(async (id: string | undefined, flags: ResumeFlags) => {
      if ((id === undefined) === !flags.all) throw new UsageError('name one paused document, or pass --all (not both)');
      const resumed = await ctx.connect(flags, 'admin').resume(id);
      if (flags.json) return ctx.printJson({ resumed });
      ctx.print(formatResumed(resumed));
    });
}

/** `Resumed 2 documents: a-1 a-2`, the ids cut short past 400 characters. */
export function formatResumed(resumed: readonly string[]): string {
  if (resumed.length === 0) return 'No documents were paused.';
  return `Resumed ${plural(resumed.length, 'document')}: ${excerpt(resumed.join(' '), 400)}`;
}

import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { formatDocument } from '../format.js';
import { addApiCommand, type ApiFlags } from '../options.js';

type ReviewFlags = ApiFlags & { category: string; note?: string };

/** `docket review <id> --category <category>`: decides a pending review as the token's reviewer. */
export function registerReview(program: Command, ctx: CommandContext): void {
  addApiCommand(
    program,
    'review',
    'Decide a pending review (needs a reviewer token; the reviewer recorded is the token’s name)',
  )
    .argument('<id>', 'the document id')
    .requiredOption('--category <category>', "the category decided, one of the document's taxonomy")
    .option('--note <text>', 'why, kept beside the result')
    .action(async (id: string, flags: ReviewFlags) => {
      const view = await ctx.connect(flags, 'reviewer').review(id, {
        category: flags.category,
        ...(flags.note !== undefined ? { note: flags.note } : {}),
      });
      if (flags.json) return ctx.printJson(view);
      ctx.print(formatDocument(view));
    });
}

import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { formatReview } from '../format.js';
import { addApiCommand, type ApiFlags } from '../options.js';

/** `docket reviews`: the documents waiting for a person to decide. */
export function registerReviews(program: Command, ctx: CommandContext): void {
  addApiCommand(
    program,
    'reviews',
    'List the documents waiting for a person to decide (needs a reviewer token)',
  ).action(async (flags: ApiFlags) => {
    const reviews = await ctx.connect(flags, 'reviewer').reviews();
    if (flags.json) return ctx.printJson({ reviews });
    if (reviews.length === 0) return ctx.print('No documents wait for review.');
    ctx.print(reviews.map(formatReview).join('\n\n'));
    ctx.print(`\n${reviews.length} pending. Decide with: docket review <id> --category <category> [--note <why>]`);
  });
}

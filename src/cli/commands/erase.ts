import type { Command } from 'commander';
import type { Erasure } from '../../client/docket-client.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { plural } from '../format.js';
import { addApiCommand, type ApiFlags } from '../options.js';

type EraseFlags = ApiFlags & { yes?: boolean };

/** `docket erase <id> --yes`: erases a document through `DELETE /v1/documents/:id` (admin token). */
export function registerErase(program: Command, ctx: CommandContext): void {
  addApiCommand(
    program,
    'erase',
    'Erase a document for good: its text, metadata, result, samples and workflow histories (needs an admin token; the ledger keeps cost and tokens)',
  )
    .argument('<id>', 'the document id')
    .option('--yes', 'confirm: the erasure cannot be undone')
    .action(async (id: string, flags: EraseFlags) => {
      if (!flags.yes) throw new UsageError(`erasing ${id} cannot be undone: pass --yes to confirm`);
      const erasure = await ctx.connect(flags, 'admin').eraseDocument(id);
      if (flags.json) return ctx.printJson(erasure);
      ctx.print(formatErasure(erasure));
    });
}

/** One paragraph: what was removed, which histories were deleted or kept, and what the ledger keeps. */
export function formatErasure(e: Erasure): string {
  const lines = [
    e.outcome === 'erased'
      ? `Erased ${e.id} at ${e.erasedAt}: text and metadata, ${plural(e.removed.results, 'result')}, ${plural(e.removed.samples, 'sample')}, ${plural(e.removed.batchMemberships, 'batch membership')}.`
      : `${e.id} was already erased (${e.erasedAt}); what was left has been retried.`,
  ];
  if (e.stoppedWorkflow !== 'none') lines.push(`Its running classification was ${e.stoppedWorkflow} first.`);
  lines.push(`Deleted ${plural(e.deletedHistories.length, 'workflow history', 'workflow histories')} from Temporal.`);
  for (const kept of e.keptHistories) lines.push(`Kept ${kept.workflowId}/${kept.runId}: ${kept.reason}.`);
  lines.push(`The ledger keeps ${plural(e.ledgerCallsKept, 'call')} (ids, tokens and cost; no text).`);
  return lines.join('\n');
}

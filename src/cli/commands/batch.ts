import type { Command } from 'commander';
import type { DocketClient } from '../../client/docket-client.js';
import type { CommandContext } from '../context.js';
import { formatCost } from '../format.js';
import { addApiCommand, type ApiFlags } from '../options.js';

/** `docket batch <batchId>`: a batch's documents per status and its cost so far. */
export function registerBatch(program: Command, ctx: CommandContext): void {
  addApiCommand(program, 'batch', "Show a batch's documents per status and its cost so far, or cancel it")
    .argument('<batchId>', 'the batch id printed by submit')
    .option(
      '--cancel',
      'cancel the batch: running documents end failed (cancelled), their Batch API jobs are cancelled',
    )
    .action(async (batchId: string, flags: ApiFlags & { cancel?: boolean }) => {
      const client = ctx.connect(flags, 'submitter');
      if (flags.cancel) {
        const cancelled = await client.cancelBatch(batchId);
        if (flags.json) return ctx.printJson(cancelled);
        return ctx.print(`${batchId}: ${cancelled.cancelled} running documents cancelled`);
      }
      const view = await client.batch(batchId);
      if (flags.json) return ctx.printJson(view);
      ctx.print(formatBatch(view));
    });
}

/** `batch-1  3 documents: 2 completed, 1 classifying · 2 calls · $0.0001` (statuses without documents left out). */
export function formatBatch(view: Awaited<ReturnType<DocketClient['batch']>>): string {
  const counts = Object.entries(view.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `${view.batchId}  ${view.documents} documents: ${counts.join(', ') || 'none'} · ${view.calls} calls · ${formatCost(view.costUsd)}`;
}

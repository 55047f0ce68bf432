import type { Command } from 'commander';
import type { DocketClient, ReclassifyReport, ReclassifySelection } from '../../client/docket-client.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { addApiCommand, pollIntervalOption, type ApiFlags } from '../options.js';

type ReclassifyFlags = ApiFlags & {
  batch?: string;
  category?: string;
  since?: string;
  until?: string;
  promptVersion?: string;
  wait?: boolean;
  pollInterval: number;
};

/**
 * `docket reclassify --batch <id> | --category <c> | --since <date> --until <date> | --prompt-version <v>`: runs the
 * selection again under the current configuration; `docket reclassify status <id>`: what changed category.
 */
export function registerReclassify(program: Command, ctx: CommandContext): void {
  // One command with an optional `status <id>`, rather than subcommands: `docket reclassify --batch <id>` runs it.
  addApiCommand(
    program,
    'reclassify',
    'Run classified documents again under the current configuration (admin); every result is kept',
  )
    .argument('[status]', '`status <id>`: a reclassification’s progress and the documents that changed category')
    .argument('[id]', 'the reclassification id `docket reclassify` printed')
    .option('--batch <id>', 'the documents of a batch')
    .option('--category <category>', 'documents whose current result is this category')
    .option('--since <date>', 'documents submitted at or after this time (ISO date, or 24h, 7d)')
    .option('--until <date>', 'documents submitted before this time')
    .option('--prompt-version <version>', 'documents whose current result this prompt version decided')
    .option('--wait', 'wait until every document has its new result, then print what changed')
    .addOption(pollIntervalOption('milliseconds between two polls while waiting'))
    .action((action: string | undefined, id: string | undefined, flags: ReclassifyFlags) => {
      if (action === undefined) return start(flags, ctx);
      if (action !== 'status' || id === undefined) {
        throw new UsageError(`"${action}" is not a reclassify action: use docket reclassify status <id>`);
      }
      return status(id, flags, ctx);
    });
}

async function status(id: string, flags: ApiFlags, ctx: CommandContext): Promise<void> {
  const report = await ctx.connect(flags, 'admin').reclassifyStatus(id);
  if (flags.json) return ctx.printJson(report);
  ctx.print(formatReclassifyReport(report));
}

async function start(flags: ReclassifyFlags, ctx: CommandContext): Promise<void> {
  const selection = selectionOf(flags);
  const client = ctx.connect(flags, 'admin');
  const started = await client.reclassify(selection);
  if (!flags.wait) {
    if (flags.json) return ctx.printJson(started);
    ctx.print(
      `reclassifying ${started.documents} documents: ${started.reclassifyId}\n` +
        `follow it with: docket reclassify status ${started.reclassifyId}\n`,
    );
    return;
  }
  if (!flags.json) ctx.warn(`reclassifying ${started.documents} documents (${started.reclassifyId})…`);
  const report = await finished(client, started.reclassifyId, flags.pollInterval);
  if (flags.json) return ctx.printJson(report);
  ctx.print(formatReclassifyReport(report));
}

/** The selection the flags name; at least one criterion. */
function selectionOf(flags: ReclassifyFlags): ReclassifySelection {
  const selection: ReclassifySelection = {
    ...(flags.batch !== undefined ? { batchId: flags.batch } : {}),
    ...(flags.category !== undefined ? { category: flags.category } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.until !== undefined ? { until: flags.until } : {}),
    ...(flags.promptVersion !== undefined ? { promptVersion: flags.promptVersion } : {}),
  };
  if (Object.keys(selection).length === 0) {
    throw new UsageError(
      'select documents: --batch <id>, --category <c>, --since/--until <date>, --prompt-version <v>',
    );
  }
  return selection;
}

/** Polls until every document has its new result. */
async function finished(client: DocketClient, id: string, pollIntervalMs: number): Promise<ReclassifyReport> {
  for (;;) {
    const report = await client.reclassifyStatus(id);
    if (report.running === 0) return report;
    await new Promise((r) => setTimeout(r, pollIntervalMs));
  }
}

/** The report as text: the counts, then one line per document that changed category. */
export function formatReclassifyReport(report: ReclassifyReport): string {
  const lines = [
    `reclassification ${report.reclassifyId} by ${report.requestedBy}, ${report.createdAt}`,
    `${report.total} documents: ${report.finished} finished, ${report.running} running; ` +
      `${report.unchanged} unchanged, ${report.changed.length} changed category`,
    ...report.changed.map(
      (c) =>
        `  ${c.id}: ${c.from} → ${c.to}` +
        (c.applied ? '' : ` (not applied: the person’s decision ${c.from} stays current)`) +
        (c.decidedBy === 'human' ? ' (decided by a reviewer)' : ''),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatReportHtml } from '../../reports/format-html.js';
import { formatReportText } from '../../reports/format-text.js';
import type { CommandContext } from '../context.js';
import { addApiCommand, type ApiFlags } from '../options.js';

type ReportFlags = ApiFlags & { since?: string; until?: string; html?: string };

/** `docket report`: cost, tokens, latency, errors, reviews and agreement over a window, as text, JSON or HTML. */
export function registerReport(program: Command, ctx: CommandContext): void {
  addApiCommand(program, 'report', 'Cost, tokens, latency, errors, reviews and human agreement over a window')
    .option('--since <when>', 'start of the window: an ISO date (2026-11-01) or relative (24h, 7d)')
    .option('--until <when>', 'end of the window (exclusive), same forms')
    .option('--html <file>', 'also write the report as an HTML page with charts to <file>')
    .action(async (flags: ReportFlags) => {
      const report = await ctx.connect(flags, 'admin').report({
        ...(flags.since !== undefined ? { since: flags.since } : {}),
        ...(flags.until !== undefined ? { until: flags.until } : {}),
      });
      if (flags.html) {
        writeFileSync(resolve(ctx.io.cwd, flags.html), formatReportHtml(report));
        ctx.warn(`HTML report written to ${flags.html}`);
      }
      if (flags.json) return ctx.printJson(report);
      ctx.print(formatReportText(report));
    });
}

import type { Command } from 'commander';
import type { DocketClient } from '../../client/docket-client.js';
import { formatCanaryReport } from '../../canary/format-report.js';
import { withCliTerms } from '../canary-terms.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { addApiCommand, positiveInteger, positiveNumber, type ApiFlags } from '../options.js';

type CanaryStartFlags = ApiFlags & {
  share: number;
  prompt?: string;
  model?: string;
  maxParseFailureRate?: number;
  minCalls?: number;
};
type Canary = Awaited<ReturnType<DocketClient['startCanary']>>;

const END_DESCRIPTIONS = {
  promote: 'Make the candidate the default for new documents (admin)',
  rollback: 'Return every new document to the baseline (admin)',
} as const;

/** `docket canary report|start|promote|rollback`: a candidate prompt or model on a share of live documents. */
export function registerCanary(program: Command, ctx: CommandContext): void {
  const canary = program.command('canary').description('Try a candidate prompt or model on a share of live documents');
  registerCanaryReport(canary, ctx);
  registerCanaryStart(canary, ctx);
  for (const action of ['promote', 'rollback'] as const) registerCanaryEnd(canary, action, ctx);
}

function registerCanaryReport(canary: Command, ctx: CommandContext): void {
  addApiCommand(
    canary,
    'report',
    'Compare the variants: parse failures, low confidence, human agreement, cost, latency',
  ).action(async (flags: ApiFlags) => {
    const report = await withCliTerms(() => ctx.connect(flags, 'admin').canary());
    if (flags.json) return ctx.printJson(report);
    ctx.print(formatCanaryReport(report));
  });
}

function registerCanaryStart(canary: Command, ctx: CommandContext): void {
  addApiCommand(canary, 'start', 'Start a canary (admin)')
    .requiredOption('--share <fraction>', 'share of new documents for the candidate, 0..1', positiveNumber)
    .option('--prompt <version>', 'candidate prompt version (a file in prompts/)')
    .option('--model <model>', 'candidate model')
    .option('--max-parse-failure-rate <fraction>', 'roll back automatically above this (default 0.2)', positiveNumber)
    .option('--min-calls <n>', 'candidate calls before the automatic rollback may act (default 20)', positiveInteger)
    .action(async (flags: CanaryStartFlags) => {
      if (flags.share > 1) throw new UsageError('--share is a fraction between 0 and 1');
      if (flags.prompt === undefined && flags.model === undefined) {
        throw new UsageError('name the candidate: --prompt <version>, --model <model>, or both');
      }
      const client = ctx.connect(flags, 'admin');
      const started = await withCliTerms(() =>
        client.startCanary({
          share: flags.share,
          ...(flags.prompt !== undefined ? { promptVersion: flags.prompt } : {}),
          ...(flags.model !== undefined ? { model: flags.model } : {}),
          ...(flags.maxParseFailureRate !== undefined ? { maxParseFailureRate: flags.maxParseFailureRate } : {}),
          ...(flags.minCalls !== undefined ? { minCalls: flags.minCalls } : {}),
        }),
      );
      if (flags.json) return ctx.printJson(started);
      ctx.print(formatCanaryStarted(started));
    });
}

function registerCanaryEnd(canary: Command, action: 'promote' | 'rollback', ctx: CommandContext): void {
  addApiCommand(canary, action, END_DESCRIPTIONS[action]).action(async (flags: ApiFlags) => {
    const ended = await withCliTerms(() => ctx.connect(flags, 'admin').endCanary(action));
    if (flags.json) return ctx.printJson(ended);
    ctx.print(`Canary #${ended.id} ${ended.status === 'promoted' ? 'promoted' : 'rolled back'}.`);
  });
}

/** `Canary #3 started: 10.0% of new documents use v2 / gpt-4o-mini`. */
export function formatCanaryStarted(started: Pick<Canary, 'id' | 'share' | 'candidate'>): string {
  const { promptVersion, model } = started.candidate;
  return `Canary #${started.id} started: ${(started.share * 100).toFixed(1)}% of new documents use ${promptVersion} / ${model}`;
}

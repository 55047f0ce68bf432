import { type Command, Option } from 'commander';
import type { DocketClient } from '../../client/docket-client.js';
import type { CommandContext } from '../context.js';
import { excerpt } from '../format.js';
import { addApiCommand, positiveInteger, type ApiFlags } from '../options.js';

type SamplesFlags = ApiFlags & { failures?: boolean; document?: string; limit: number };
/** What a sample's lines show (the prompt is left to `--json`). */
type SampleLine = Pick<
  Awaited<ReturnType<DocketClient['samples']>>[number],
  'createdAt' | 'documentId' | 'model' | 'outcome' | 'errorType' | 'reason' | 'response'
>;

/** `docket samples`: stored prompts and responses, newest first (admin token). */
export function registerSamples(program: Command, ctx: CommandContext): void {
  addApiCommand(
    program,
    'samples',
    'Browse stored prompts and responses: every failure and a sampled share of calls (admin)',
  )
    .option('--failures', 'failures only')
    .option('--document <id>', "one document's calls")
    .addOption(new Option('--limit <n>', 'how many, newest first').default(20).argParser(positiveInteger))
    .action(async (flags: SamplesFlags) => {
      const samples = await ctx.connect(flags, 'admin').samples({
        limit: flags.limit,
        ...(flags.failures ? { failures: true } : {}),
        ...(flags.document !== undefined ? { document: flags.document } : {}),
      });
      if (flags.json) return ctx.printJson({ samples });
      if (samples.length === 0) return ctx.print('No samples stored.');
      for (const sample of samples) ctx.print(formatSample(sample));
      ctx.print(`\n${samples.length} shown; --json prints the full prompts and responses.`);
    });
}

/** Two lines a sample: when, which document and model, the outcome and why it was kept; the response's start. */
export function formatSample(sample: SampleLine): string {
  const error = sample.errorType ? ` (${sample.errorType})` : '';
  const response = JSON.stringify(sample.response ?? null);
  return [
    `${sample.createdAt}  ${sample.documentId}  ${sample.model}  ${sample.outcome}${error}  [${sample.reason}]`,
    `  response: ${excerpt(response, 300)}`,
  ].join('\n');
}

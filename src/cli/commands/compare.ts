import type { Command } from 'commander';
import type { DocketClient } from '../../client/docket-client.js';
import { formatCompare } from '../../reports/compare.js';
import type { CommandContext } from '../context.js';
import { CliError, UsageError } from '../exit-codes.js';
import { skippedLines } from '../format.js';
import { collectInputs, type InputDocument } from '../inputs.js';
import { addApiCommand, pollIntervalOption, type ApiFlags } from '../options.js';

type CompareFlags = ApiFlags & {
  jsonl?: string;
  taxonomy?: string;
  aPrompt?: string;
  aModel?: string;
  bPrompt?: string;
  bModel?: string;
  pollInterval: number;
};

/** `docket compare`: the same documents through configurations A and B, then their agreement, cost and latency. */
export function registerCompare(program: Command, ctx: CommandContext): void {
  addApiCommand(
    program,
    'compare',
    'Run the same documents through two configurations and compare agreement, cost and latency',
  )
    .argument('[inputs...]', 'files, folders, or - for stdin (as for submit)')
    .option('--jsonl <file>', 'one {"id"?, "text"} per line')
    .option('--taxonomy <name>', 'a configured taxonomy (default: default)')
    .option('--a-prompt <version>', 'configuration A: prompt version (default: the configured one)')
    .option('--a-model <model>', 'configuration A: model (default: the configured one)')
    .option('--b-prompt <version>', 'configuration B: prompt version')
    .option('--b-model <model>', 'configuration B: model')
    .addOption(pollIntervalOption('milliseconds between two polls'))
    .action((inputs: string[], flags: CompareFlags) => compare(inputs, flags, ctx));
}

async function compare(inputs: string[], flags: CompareFlags, ctx: CommandContext): Promise<void> {
  if (inputs.length === 0 && !flags.jsonl) throw new UsageError('name files, folders, - for stdin, or --jsonl');
  if (!flags.bPrompt && !flags.bModel) throw new UsageError('configuration B needs --b-prompt and/or --b-model');
  const documents = await readDocuments(inputs, flags, ctx);
  const client = ctx.connect(flags, 'admin');
  const { compareId } = await client.startCompare({
    documents: documents.map((d) => ({ ...(d.id !== undefined ? { id: d.id } : {}), text: d.text })),
    ...(flags.taxonomy !== undefined ? { taxonomy: flags.taxonomy } : {}),
    a: configuration(flags.aPrompt, flags.aModel),
    b: configuration(flags.bPrompt, flags.bModel),
  });
  if (!flags.json) ctx.warn(`comparing ${documents.length} documents (${compareId})…`);
  const result = await comparison(client, compareId, flags.pollInterval);
  if (flags.json) return ctx.printJson(result);
  ctx.print(formatCompare(result));
}

/** The documents of the inputs, naming the files skipped; an error when none is left. */
async function readDocuments(inputs: string[], flags: CompareFlags, ctx: CommandContext): Promise<InputDocument[]> {
  const { documents, files, skipped } = await collectInputs(inputs, {
    jsonl: flags.jsonl,
    idFromPath: false,
    extensions: [],
    cwd: ctx.io.cwd,
    stdin: ctx.io.stdin,
  });
  // A comparison sends text: files whose text the server extracts cannot be compared.
  const notText = files.map((f) => ({ source: f.source, reason: `${f.mediaType}: compare takes text files only` }));
  for (const line of skippedLines([...skipped, ...notText])) ctx.warn(line);
  if (documents.length === 0) throw new CliError('nothing to compare: no plain-text documents found in the inputs');
  return documents;
}

/** One side of the comparison: only what the flags name, the server's configuration for the rest. */
function configuration(prompt: string | undefined, model: string | undefined) {
  return {
    ...(prompt !== undefined ? { promptVersion: prompt } : {}),
    ...(model !== undefined ? { model } : {}),
  };
}

/** Polls the comparison until it is done; a failed one is an error. */
async function comparison(client: DocketClient, compareId: string, pollIntervalMs: number) {
  for (;;) {
    const state = await client.compare(compareId);
    if (state.status === 'failed') throw new CliError(`comparison ${compareId} ${state.reason}`);
    if (state.status === 'done') return state.result;
    await new Promise((r) => setTimeout(r, pollIntervalMs));
  }
}

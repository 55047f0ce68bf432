import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DocketApiError, type DocumentView } from '../client/docket-client.js';
import { formatCanaryReport } from '../reports/canary.js';
import { formatCompare } from '../reports/compare.js';
import { formatReportHtml } from '../reports/format-html.js';
import { formatReportText } from '../reports/format-text.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import { registerEraseCommand } from './commands/erase.js';
import { withCliTerms } from './canary-terms.js';
import { connect, CONNECTION_HELP, type ConnectionFlags } from './connection.js';
import { CliError, EXIT_CODES, EXIT_CODES_HELP, UsageError, type ExitCode } from './exit-codes.js';
import {
  countStatuses,
  excerpt,
  formatCost,
  formatDocument,
  formatReview,
  formatSummary,
  jsonCosts,
} from './format.js';
import { collectInputs } from './inputs.js';
import { ProgressBar } from './progress.js';
import { describeKnown, findKnown } from './known-documents.js';
import { submitDocuments, type SubmitOutcome, type SubmittedDocument } from './submit.js';
import { waitForDocuments } from './wait.js';

/** The process around the CLI: streams, environment and working directory (tests pass their own). */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

interface OutputFlags {
  json?: boolean;
}

interface WaitFlags {
  wait?: boolean;
  timeout?: number;
  pollInterval: number;
}

type SubmitFlags = ConnectionFlags &
  OutputFlags &
  WaitFlags & {
    jsonl?: string;
    taxonomy?: string;
    id?: string;
    idFromPath?: boolean;
    ext?: string[];
    batchSize: number;
  };

/** Documents listed one per line in readable output; past this only the summary and the exceptions. */
const LIST_LIMIT = 20;
/** Text bytes per batch request. */
const BATCH_BYTES = 8 * 1024 * 1024;
const POLL_CONCURRENCY = 8;

/** Runs the `docket` command line; resolves with the exit code (see `EXIT_CODES`). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: ExitCode = EXIT_CODES.ok;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, io, argv.includes('--json'));
  }
}

/** The commander program of `docket`: every command and option (test/docs parses the documented commands with it). */
export function createProgram(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const print = (line = '') => io.stdout.write(`${line}\n`);
  const printJson = (value: unknown) => io.stdout.write(`${JSON.stringify(value, jsonCosts, 2)}\n`);
  const warn = (line: string) => io.stderr.write(`${line}\n`);

  const program = new Command('docket')
    .description('Durable LLM document classification: submit documents, follow them, decide reviews.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${CONNECTION_HELP}\n\nTokens and document texts are never printed.`);

  /** A command that talks to the API: connection flags, --json, and the shared help. */
  const apiCommand = (name: string, description: string, parent: Command = program) =>
    parent
      .command(name)
      .description(description)
      .option('--url <url>', 'the Docket API (default $DOCKET_URL, else http://127.0.0.1:$PORT)')
      .option(
        '--token <token>',
        'bearer token (default $DOCKET_TOKEN, else .data/dev-tokens.json); prefer the variable',
      )
      .option('--json', 'print one JSON document on stdout, for scripts')
      .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${CONNECTION_HELP}`);

  const waitOptions = (command: Command) =>
    command
      .option('--wait', 'wait until every document is completed, failed, pending review or paused')
      .option(
        '--timeout <seconds>',
        'stop waiting after this many seconds (exit 1) (default: no limit)',
        positiveNumber,
      )
      .addOption(
        new Option('--poll-interval <ms>', 'milliseconds between two polls while waiting')
          .default(1000)
          .argParser(positiveInteger),
      );

  /** Names the files a folder held that are not plain text (the first LIST_LIMIT, then a count). */
  const reportSkipped = (skipped: readonly { source: string; reason: string }[]) => {
    for (const s of skipped.slice(0, LIST_LIMIT)) warn(`skipped ${s.source}: ${s.reason}`);
    if (skipped.length > LIST_LIMIT) warn(`skipped ${skipped.length - LIST_LIMIT} more files that are not plain text`);
  };

  const progressBar = (total: number, json: boolean | undefined) =>
    io.stderr.isTTY && total > 1 && !json ? new ProgressBar(io.stderr, total) : undefined;

  /** Waits with a progress bar and Ctrl-C handling; undefined when interrupted. */
  const waitWithProgress = async (
    ids: string[],
    flags: WaitFlags & OutputFlags,
    client: ReturnType<typeof connect>,
  ) => {
    const bar = progressBar(ids.length, flags.json);
    const abort = new AbortController();
    const onInterrupt = () => abort.abort(new CliError('interrupted'));
    process.once('SIGINT', onInterrupt);
    try {
      return await waitForDocuments(client, ids, {
        intervalMs: flags.pollInterval,
        concurrency: POLL_CONCURRENCY,
        signal: abort.signal,
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
        onProgress: (views) => bar?.update(countStatuses(views.values())),
      });
    } catch (err) {
      if (!abort.signal.aborted) throw err;
      warn('\nStopped waiting; the documents keep classifying. Follow them with: docket status <id>');
      throw new CliError('interrupted', EXIT_CODES.failure);
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      bar?.stop();
    }
  };

  /** 1 when any document failed or time ran out, else 3 when a person or an operator must act, else 0. */
  const waitExitCode = (views: readonly DocumentView[], unsettled: readonly string[]): ExitCode => {
    if (unsettled.length > 0 || views.some((v) => v.status === DOCUMENT_STATUS.failed)) return EXIT_CODES.failure;
    if (views.some((v) => v.status === DOCUMENT_STATUS.pendingReview || v.status === DOCUMENT_STATUS.paused)) {
      return EXIT_CODES.needsAttention;
    }
    return EXIT_CODES.ok;
  };

  const reportTimeout = (unsettled: readonly string[], timeout: number | undefined) => {
    if (unsettled.length === 0) return;
    warn(
      `Timed out after ${timeout} s with ${unsettled.length} documents still classifying; follow them with: docket status ${unsettled
        .slice(0, 3)
        .join(' ')}${unsettled.length > 3 ? ' …' : ''}`,
    );
  };

  waitOptions(
    apiCommand('submit', 'Submit documents for classification: files, folders, stdin (-) or a JSON Lines file')
      .argument('[inputs...]', 'files, folders (recursively: every plain-text file) or - for stdin')
      .option('--jsonl <file>', 'a JSON Lines file (- for stdin) with one {"id"?, "text", "metadata"?} per line')
      .option('--taxonomy <name>', 'a taxonomy configured on the server (default: default)')
      .option('--id <id>', 'the id of a single document (default: derived by the server from the content)')
      .option('--id-from-path', "use each file's path relative to the working directory as its id ('/' becomes ':')")
      .option(
        '--ext <list>',
        'in folders, only files with these extensions, e.g. txt,md (default: every text file)',
        extensionList,
      )
      .addOption(
        new Option('--batch-size <n>', 'documents per POST /v1/batches request')
          .default(500)
          .argParser(positiveInteger),
      ),
  )
    .addHelpText(
      'after',
      `
Without --id or --id-from-path the server derives each id from the content: submitting the same content again
is the same document and costs no new LLM call. More than one document goes through POST /v1/batches in
chunks; a chunk refused for one document is resubmitted document by document, and the refused ones are named.

Examples:
  docket submit contract.txt --wait
  docket submit ./inbox --ext txt,md --taxonomy support --wait
  cat note.txt | docket submit - --id note-1
  docket submit --jsonl documents.jsonl --json`,
    )
    .action(async (inputs: string[], flags: SubmitFlags) => {
      if (inputs.length === 0 && flags.jsonl === undefined) {
        throw new UsageError('nothing to submit: name files or folders, - for stdin, or --jsonl <file>');
      }
      if (flags.id !== undefined && flags.idFromPath)
        throw new UsageError('use either --id or --id-from-path, not both');
      const client = connect(flags, 'submitter', io.env, io.cwd);
      const { documents, skipped } = await collectInputs(inputs, {
        jsonl: flags.jsonl,
        idFromPath: flags.idFromPath ?? false,
        extensions: flags.ext ?? [],
        cwd: io.cwd,
        stdin: io.stdin,
      });
      reportSkipped(skipped);
      if (documents.length === 0) throw new CliError('nothing to submit: no plain-text documents found in the inputs');
      const first = documents[0];
      if (flags.id !== undefined) {
        if (documents.length !== 1 || !first) {
          throw new UsageError(`--id names one document, but the inputs hold ${documents.length}`);
        }
        first.id = flags.id;
      }

      // The same folder again: documents already there are reported with their status, not sent in a new batch.
      const { known, fresh } =
        documents.length > 1
          ? await findKnown(client, documents, flags.taxonomy ?? 'default')
          : { known: [], fresh: documents };
      if (known.length > 0) warn(describeKnown(known));

      const bar = progressBar(fresh.length, flags.json);
      let outcome: SubmitOutcome = { submitted: [], rejected: [], batchIds: [] };
      try {
        if (fresh.length > 0) {
          outcome = await submitDocuments(client, fresh, {
            taxonomy: flags.taxonomy,
            batchSize: flags.batchSize,
            batchBytes: BATCH_BYTES,
            onProgress: (done) => bar?.submitting(done),
          });
        }
      } finally {
        bar?.stop();
      }
      const { rejected, batchIds } = outcome;
      const sent = outcome.submitted.length;
      const submitted: SubmittedDocument[] = [
        ...known.map(({ doc, view }) => ({ source: doc.source, id: view.id, status: view.status })),
        ...outcome.submitted,
      ];
      for (const r of rejected) warn(`rejected ${r.source}: ${r.message}`);

      let exitCode: ExitCode = rejected.length > 0 ? EXIT_CODES.failure : EXIT_CODES.ok;
      if (!flags.wait) {
        if (flags.json) {
          printJson({ documents: submitted, rejected, skipped, batches: batchIds, known: known.map((k) => k.view.id) });
        } else {
          if (submitted.length <= LIST_LIMIT) for (const s of submitted) print(submittedLine(s));
          const via =
            batchIds.length > 0 ? ` in ${batchIds.length === 1 ? 'batch' : 'batches'} ${batchIds.join(', ')}` : '';
          const count =
            sent === fresh.length
              ? `${sent} ${sent === 1 ? 'document' : 'documents'}`
              : `${sent} of ${fresh.length} documents`;
          print(fresh.length === 0 ? 'Nothing new to submit.' : `Submitted ${count}${via}.`);
          const follow = followCommand(submitted, batchIds);
          if (follow) print(`Follow with: ${follow}`);
        }
        setExitCode(exitCode);
        return;
      }

      const ids = submitted.map((s) => s.id);
      const { views, unsettled } =
        ids.length > 0
          ? await waitWithProgress(ids, flags, client)
          : { views: new Map<string, DocumentView>(), unsettled: [] };
      const results = submitted.map((s) => ({ submitted: s, view: views.get(s.id) }));
      const settledViews = results.flatMap((r) => (r.view ? [r.view] : []));
      const waited = waitExitCode(settledViews, unsettled);
      if (exitCode === EXIT_CODES.ok || waited === EXIT_CODES.failure) exitCode = waited;

      if (flags.json) {
        const counts = countStatuses(settledViews);
        printJson({
          documents: results.map((r) => ({
            source: r.submitted.source,
            ...(r.submitted.batchId ? { batchId: r.submitted.batchId } : {}),
            ...(r.view ?? { id: r.submitted.id }),
          })),
          rejected,
          skipped,
          batches: batchIds,
          known: known.map((k) => k.view.id),
          unsettled,
          summary: {
            documents: settledViews.length,
            counts,
            calls: settledViews.reduce((n, v) => n + v.calls, 0),
            costUsd: settledViews.reduce((n, v) => n + v.costUsd, 0),
          },
        });
      } else {
        const listAll = results.length <= LIST_LIMIT;
        for (const r of results) {
          if (!r.view || (!listAll && r.view.status === DOCUMENT_STATUS.completed)) continue;
          const source = r.submitted.source !== r.view.id ? `  (${r.submitted.source})` : '';
          print(`${formatDocument(r.view)}${source}`);
        }
        if (batchIds.length > 0) print(`${batchIds.length === 1 ? 'Batch' : 'Batches'} ${batchIds.join(', ')}`);
        print(formatSummary(settledViews));
        reportTimeout(unsettled, flags.timeout);
        const follow = followCommand(submitted, batchIds);
        if (follow) print(`See again with: ${follow}`);
        if (exitCode === EXIT_CODES.needsAttention)
          print('A person or an operator must act: see docket reviews, docket resume.');
      }
      setExitCode(exitCode);
    });

  waitOptions(apiCommand('status', "Show documents' status and results").argument('<ids...>', 'document ids'))
    .addHelpText('after', '\nExamples:\n  docket status doc-1f3a… \n  docket status a-1 a-2 --wait --json')
    .action(async (ids: string[], flags: ConnectionFlags & OutputFlags & WaitFlags) => {
      const client = connect(flags, 'submitter', io.env, io.cwd);
      const views = new Map<string, DocumentView>();
      const errors: { id: string; status: number; code: string; message: string }[] = [];
      for (const id of ids) {
        try {
          views.set(id, await client.get(id));
        } catch (err) {
          if (!(err instanceof DocketApiError && err.status === 404)) throw err;
          errors.push({ id, status: err.status, code: err.code, message: err.message });
        }
      }
      let unsettled: string[] = [];
      if (flags.wait && views.size > 0) {
        const waited = await waitWithProgress([...views.keys()], flags, client);
        for (const [id, view] of waited.views) views.set(id, view);
        unsettled = waited.unsettled;
      }
      const list = ids.flatMap((id) => views.get(id) ?? []);
      if (flags.json) printJson({ documents: list, errors, ...(flags.wait ? { unsettled } : {}) });
      else {
        for (const view of list) print(formatDocument(view));
        for (const e of errors) warn(`${e.id}: ${e.message}`);
        if (flags.wait) reportTimeout(unsettled, flags.timeout);
      }
      let exitCode: ExitCode = errors.length > 0 ? EXIT_CODES.failure : EXIT_CODES.ok;
      if (flags.wait) {
        const waited = waitExitCode(list, unsettled);
        if (exitCode === EXIT_CODES.ok || waited === EXIT_CODES.failure) exitCode = waited;
      }
      setExitCode(exitCode);
    });

  apiCommand('batch', "Show a batch's documents per status and its cost so far")
    .argument('<batchId>', 'the batch id printed by submit')
    .action(async (batchId: string, flags: ConnectionFlags & OutputFlags) => {
      const view = await connect(flags, 'submitter', io.env, io.cwd).batch(batchId);
      if (flags.json) return void printJson(view);
      const counts = Object.entries(view.counts)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`);
      print(
        `${view.batchId}  ${view.documents} documents: ${counts.join(', ') || 'none'} · ${view.calls} calls · ${formatCost(view.costUsd)}`,
      );
    });

  apiCommand('reviews', 'List the documents waiting for a person to decide (needs a reviewer token)').action(
    async (flags: ConnectionFlags & OutputFlags) => {
      const reviews = await connect(flags, 'reviewer', io.env, io.cwd).reviews();
      if (flags.json) return void printJson({ reviews });
      if (reviews.length === 0) return void print('No documents wait for review.');
      print(reviews.map(formatReview).join('\n\n'));
      print(`\n${reviews.length} pending. Decide with: docket review <id> --category <category> [--note <why>]`);
    },
  );

  apiCommand('review', 'Decide a pending review (needs a reviewer token; the reviewer recorded is the token’s name)')
    .argument('<id>', 'the document id')
    .requiredOption('--category <category>', "the category decided, one of the document's taxonomy")
    .option('--note <text>', 'why, kept beside the result')
    .action(async (id: string, flags: ConnectionFlags & OutputFlags & { category: string; note?: string }) => {
      const view = await connect(flags, 'reviewer', io.env, io.cwd).review(id, {
        category: flags.category,
        ...(flags.note !== undefined ? { note: flags.note } : {}),
      });
      if (flags.json) return void printJson(view);
      print(formatDocument(view));
    });

  apiCommand('resume', "Clear operator pauses (needs an admin token): one document's, or every one with --all")
    .argument('[id]', 'the paused document')
    .option('--all', 'resume every paused document')
    .action(async (id: string | undefined, flags: ConnectionFlags & OutputFlags & { all?: boolean }) => {
      if ((id === undefined) === !flags.all) throw new UsageError('name one paused document, or pass --all (not both)');
      const resumed = await connect(flags, 'admin', io.env, io.cwd).resume(id);
      if (flags.json) return void printJson({ resumed });
      if (resumed.length === 0) return void print('No documents were paused.');
      print(
        `Resumed ${resumed.length} ${resumed.length === 1 ? 'document' : 'documents'}: ${excerpt(resumed.join(' '), 400)}`,
      );
    });

  registerEraseCommand(apiCommand, { io, print, printJson });

  apiCommand('report', 'Cost, tokens, latency, errors, reviews and human agreement over a window')
    .option('--since <when>', 'start of the window: an ISO date (2026-11-01) or relative (24h, 7d)')
    .option('--until <when>', 'end of the window (exclusive), same forms')
    .option('--html <file>', 'also write the report as an HTML page with charts to <file>')
    .action(async (flags: ConnectionFlags & OutputFlags & { since?: string; until?: string; html?: string }) => {
      const report = await connect(flags, 'admin', io.env, io.cwd).report({
        ...(flags.since !== undefined ? { since: flags.since } : {}),
        ...(flags.until !== undefined ? { until: flags.until } : {}),
      });
      if (flags.html) {
        writeFileSync(resolve(io.cwd, flags.html), formatReportHtml(report));
        warn(`HTML report written to ${flags.html}`);
      }
      if (flags.json) return void printJson(report);
      print(formatReportText(report));
    });

  apiCommand('samples', 'Browse stored prompts and responses: every failure and a sampled share of calls (admin)')
    .option('--failures', 'failures only')
    .option('--document <id>', "one document's calls")
    .addOption(new Option('--limit <n>', 'how many, newest first').default(20).argParser(positiveInteger))
    .action(async (flags: ConnectionFlags & OutputFlags & { failures?: boolean; document?: string; limit: number }) => {
      const samples = await connect(flags, 'admin', io.env, io.cwd).samples({
        limit: flags.limit,
        ...(flags.failures ? { failures: true } : {}),
        ...(flags.document !== undefined ? { document: flags.document } : {}),
      });
      if (flags.json) return void printJson({ samples });
      if (samples.length === 0) return void print('No samples stored.');
      for (const sample of samples) {
        const response = JSON.stringify(sample.response ?? null);
        print(
          `${sample.createdAt}  ${sample.documentId}  ${sample.model}  ${sample.outcome}${sample.errorType ? ` (${sample.errorType})` : ''}  [${sample.reason}]`,
        );
        print(`  response: ${excerpt(response, 300)}`);
      }
      print(`\n${samples.length} shown; --json prints the full prompts and responses.`);
    });

  apiCommand('compare', 'Run the same documents through two configurations and compare agreement, cost and latency')
    .argument('[inputs...]', 'files, folders, or - for stdin (as for submit)')
    .option('--jsonl <file>', 'one {"id"?, "text"} per line')
    .option('--taxonomy <name>', 'a configured taxonomy (default: default)')
    .option('--a-prompt <version>', 'configuration A: prompt version (default: the configured one)')
    .option('--a-model <model>', 'configuration A: model (default: the configured one)')
    .option('--b-prompt <version>', 'configuration B: prompt version')
    .option('--b-model <model>', 'configuration B: model')
    .addOption(
      new Option('--poll-interval <ms>', 'milliseconds between two polls').default(1000).argParser(positiveInteger),
    )
    .action(
      async (
        inputs: string[],
        flags: ConnectionFlags &
          OutputFlags & {
            jsonl?: string;
            taxonomy?: string;
            aPrompt?: string;
            aModel?: string;
            bPrompt?: string;
            bModel?: string;
            pollInterval: number;
          },
      ) => {
        if (inputs.length === 0 && !flags.jsonl) throw new UsageError('name files, folders, - for stdin, or --jsonl');
        if (!flags.bPrompt && !flags.bModel) throw new UsageError('configuration B needs --b-prompt and/or --b-model');
        const { documents, skipped } = await collectInputs(inputs, {
          jsonl: flags.jsonl,
          idFromPath: false,
          extensions: [],
          cwd: io.cwd,
          stdin: io.stdin,
        });
        reportSkipped(skipped);
        if (documents.length === 0)
          throw new CliError('nothing to compare: no plain-text documents found in the inputs');
        const client = connect(flags, 'admin', io.env, io.cwd);
        const side = (prompt?: string, model?: string) => ({
          ...(prompt !== undefined ? { promptVersion: prompt } : {}),
          ...(model !== undefined ? { model } : {}),
        });
        const { compareId } = await client.startCompare({
          documents: documents.map((d) => ({ ...(d.id !== undefined ? { id: d.id } : {}), text: d.text })),
          ...(flags.taxonomy !== undefined ? { taxonomy: flags.taxonomy } : {}),
          a: side(flags.aPrompt, flags.aModel),
          b: side(flags.bPrompt, flags.bModel),
        });
        if (!flags.json) warn(`comparing ${documents.length} documents (${compareId})…`);
        for (;;) {
          const state = await client.compare(compareId);
          if (state.status === 'failed') throw new CliError(`comparison ${compareId} ${state.reason}`);
          if (state.status === 'done') {
            if (flags.json) return void printJson(state.result);
            return void print(formatCompare(state.result));
          }
          await new Promise((r) => setTimeout(r, flags.pollInterval));
        }
      },
    );

  const canary = program.command('canary').description('Try a candidate prompt or model on a share of live documents');
  const canaryCommand = (name: string, description: string) => apiCommand(name, description, canary);

  canaryCommand(
    'report',
    'Compare the variants: parse failures, low confidence, human agreement, cost, latency',
  ).action(async (flags: ConnectionFlags & OutputFlags) => {
    const report = await withCliTerms(() => connect(flags, 'admin', io.env, io.cwd).canary());
    if (flags.json) return void printJson(report);
    print(
      formatCanaryReport({ ...report, canary: { ...report.canary, startedAt: new Date(report.canary.startedAt) } }),
    );
  });

  canaryCommand('start', 'Start a canary (admin)')
    .requiredOption('--share <fraction>', 'share of new documents for the candidate, 0..1', positiveNumber)
    .option('--prompt <version>', 'candidate prompt version (a file in prompts/)')
    .option('--model <model>', 'candidate model')
    .option('--max-parse-failure-rate <fraction>', 'roll back automatically above this (default 0.2)', positiveNumber)
    .option('--min-calls <n>', 'candidate calls before the automatic rollback may act (default 20)', positiveInteger)
    .action(
      async (
        flags: ConnectionFlags &
          OutputFlags & {
            share: number;
            prompt?: string;
            model?: string;
            maxParseFailureRate?: number;
            minCalls?: number;
          },
      ) => {
        if (flags.share > 1) throw new UsageError('--share is a fraction between 0 and 1');
        if (flags.prompt === undefined && flags.model === undefined) {
          throw new UsageError('name the candidate: --prompt <version>, --model <model>, or both');
        }
        const client = connect(flags, 'admin', io.env, io.cwd);
        const started = await withCliTerms(() =>
          client.startCanary({
            share: flags.share,
            ...(flags.prompt !== undefined ? { promptVersion: flags.prompt } : {}),
            ...(flags.model !== undefined ? { model: flags.model } : {}),
            ...(flags.maxParseFailureRate !== undefined ? { maxParseFailureRate: flags.maxParseFailureRate } : {}),
            ...(flags.minCalls !== undefined ? { minCalls: flags.minCalls } : {}),
          }),
        );
        if (flags.json) return void printJson(started);
        print(
          `Canary #${started.id} started: ${(started.share * 100).toFixed(1)}% of new documents use ${started.candidate.promptVersion} / ${started.candidate.model}`,
        );
      },
    );

  for (const action of ['promote', 'rollback'] as const) {
    canaryCommand(
      action,
      action === 'promote'
        ? 'Make the candidate the default for new documents (admin)'
        : 'Return every new document to the baseline (admin)',
    ).action(async (flags: ConnectionFlags & OutputFlags) => {
      const ended = await withCliTerms(() => connect(flags, 'admin', io.env, io.cwd).endCanary(action));
      if (flags.json) return void printJson(ended);
      print(`Canary #${ended.id} ${ended.status === 'promoted' ? 'promoted' : 'rolled back'}.`);
    });
  }

  program
    .command('dev')
    .description(
      'Run Docket on this machine (npm start): Temporal dev server, embedded database, worker, API, and the LLM simulator unless OPENAI_API_KEY or OPENAI_BASE_URL is set',
    )
    .addHelpText('after', '\nStops with Ctrl-C; state is kept in $DOCKET_DATA_DIR (default .data/).')
    .action(async () => {
      // Loaded only here: the other commands must not pull in Temporal, PGlite and the worker.
      const { runDev } = await import('../dev/start.js');
      await runDev(io.env);
    });

  return program;
}

/** `docket batch <id>` for one batch, else `docket status <id>` for one document (nothing for several batches). */
function followCommand(submitted: readonly SubmittedDocument[], batchIds: readonly string[]): string | undefined {
  if (batchIds.length === 1) return `docket batch ${batchIds[0]}`;
  if (batchIds.length > 1) return `docket batch <id> (one of the batches above)`;
  return submitted.length === 1 && submitted[0] ? `docket status ${submitted[0].id}` : undefined;
}

function submittedLine(s: SubmittedDocument): string {
  return `${s.id}  ${s.status ?? 'accepted'}${s.source !== s.id ? `  (${s.source})` : ''}`;
}

function reportError(err: unknown, io: CliIo, json: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has printed the message or the help already.
    return err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  let exitCode: number = EXIT_CODES.failure;
  let code = 'error';
  let message: string;
  let status: number | undefined;
  if (err instanceof CliError) {
    exitCode = err.exitCode;
    code = exitCode === EXIT_CODES.usage ? 'usage' : 'error';
    message = err.message;
  } else if (err instanceof DocketApiError) {
    code = err.code;
    status = err.status;
    message = `${err.message}${apiErrorHint(err)}`;
  } else {
    message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  io.stderr.write(`docket: ${message}\n`);
  if (exitCode === EXIT_CODES.usage && !json) io.stderr.write('(add --help for usage)\n');
  if (json)
    io.stdout.write(
      `${JSON.stringify({ error: { code, message, ...(status !== undefined ? { status } : {}) } }, null, 2)}\n`,
    );
  return exitCode;
}

function apiErrorHint(err: DocketApiError): string {
  if (err.status === 0) return '\n  Is Docket running? Start it with npm start, or point --url / DOCKET_URL at it.';
  if (err.status === 401) return '\n  Check DOCKET_TOKEN or --token.';
  return '';
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function extensionList(value: string): string[] {
  const list = value
    .split(',')
    .map((e) => e.trim().replace(/^\./, ''))
    .filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError('expected extensions like txt,md');
  return list;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

import { type Command, Option } from 'commander';
import type { DocketClient, DocumentView } from '../../client/docket-client.js';
import { DOCUMENT_STATUS } from '../../shared/status.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT_CODES, mostUrgent, UsageError, type ExitCode } from '../exit-codes.js';
import { countStatuses, formatDocument, formatSummary, LIST_LIMIT, plural, skippedLines } from '../format.js';
import { collectInputs, type CollectedInputs } from '../inputs.js';
import { describeKnown, findKnown, type KnownDocument } from '../known-documents.js';
import {
  addApiCommand,
  addWaitOptions,
  extensionList,
  positiveInteger,
  type ApiFlags,
  type WaitFlags,
} from '../options.js';
import { progressBarFor } from '../progress.js';
import { submitDocuments, submitFiles, type SubmitOutcome, type SubmittedDocument } from '../submit.js';
import { timeoutMessage, waitExitCode, waitWithProgress } from '../wait.js';

type SubmitFlags = ApiFlags &
  WaitFlags & {
    jsonl?: string;
    taxonomy?: string;
    batchApi?: boolean;
    id?: string;
    idFromPath?: boolean;
    ext?: string[];
    batchSize: number;
  };

/** What one `docket submit` sent and found, before any waiting. */
interface Submission extends SubmitOutcome {
  /** Documents already stored with the same content (not sent again) and then those the API accepted now. */
  submitted: SubmittedDocument[];
  known: KnownDocument[];
  skipped: CollectedInputs['skipped'];
  /** How many documents were new to the API, and so sent. */
  fresh: number;
  /** How many of those the API accepted. */
  sent: number;
}

/** A document of the submission and its view once `--wait` ended (none when it never answered). */
interface Settled {
  submitted: SubmittedDocument;
  view: DocumentView | undefined;
}

/** How `--wait` ended for a submission. */
interface Waited {
  settled: Settled[];
  /** The views of the documents that answered. */
  views: DocumentView[];
  /** Ids still classifying when `--timeout` ran out. */
  unsettled: string[];
}

/** Text bytes per batch request. */
const BATCH_BYTES = 8 * 1024 * 1024;
/** File bytes per batch request: half of what the API takes in one (MAX_FILE_BATCH_BYTES, 64 MiB). */
const FILE_BATCH_BYTES = 32 * 1024 * 1024;

const SUBMIT_HELP = `
Each file's type is detected from its content: plain text and Markdown go as text; PDFs, Word .docx, HTML,
e-mails (.eml) and images (PNG, JPEG, WebP, TIFF) go as files, whose text the server extracts. Other files are
reported and left out; the rest still go (a file named on the command line that is left out makes the exit code 1).

Without --id or --id-from-path the server derives each id from the content: submitting the same content again
is the same document and costs no new LLM call. More than one document goes through POST /v1/batches in
chunks; a chunk refused for one document is resubmitted document by document, and the refused ones are named.

Examples:
  docket submit contract.pdf --wait
  docket submit ./inbox --ext pdf,docx,txt --taxonomy support --wait
  docket submit 'scans/**/*.{png,jpg}' --wait
  cat note.txt | docket submit - --id note-1
  docket submit --jsonl documents.jsonl --json`;

/** `docket submit`: files, folders, stdin or JSON Lines to the API, optionally waiting for the results. */
export function registerSubmit(program: Command, ctx: CommandContext): void {
  addWaitOptions(
    addApiCommand(
      program,
      'submit',
      'Submit documents for classification: files, folders, stdin (-) or a JSON Lines file',
    )
      .argument('[inputs...]', 'files, folders (recursively: every file Docket reads), globs, or - for stdin')
      .option('--jsonl <file>', 'a JSON Lines file (- for stdin) with one {"id"?, "text", "metadata"?} per line')
      .option('--taxonomy <name>', 'a taxonomy configured on the server (default: default)')
      .option('--batch-api', 'classify through the OpenAI Batch API: half the price, answers within 24 hours')
      .option('--id <id>', 'the id of a single document (default: derived by the server from the content)')
      .option('--id-from-path', "use each file's path relative to the working directory as its id ('/' becomes ':')")
      .option(
        '--ext <list>',
        'in folders, only files with these extensions, e.g. pdf,txt (default: every file Docket reads)',
        extensionList,
      )
      .addOption(
        new Option('--batch-size <n>', 'documents per POST /v1/batches request')
          .default(500)
          .argParser(positiveInteger),
      ),
  )
    .addHelpText('after', SUBMIT_HELP)
    .action((inputs: string[], flags: SubmitFlags) => submit(inputs, flags, ctx));
}

async function submit(inputs: string[], flags: SubmitFlags, ctx: CommandContext): Promise<void> {
  checkSubmitFlags(inputs, flags);
  const client = ctx.connect(flags, 'submitter');
  const submission = await send(client, await readDocuments(inputs, flags, ctx), flags, ctx);
  for (const r of submission.rejected) ctx.warn(`rejected ${r.source}: ${r.message}`);
  // A file named on the command line that could not be sent fails the command, as a refused document does.
  const failed = submission.rejected.length > 0 || submission.skipped.some((s) => s.named);
  const sentExitCode: ExitCode = failed ? EXIT_CODES.failure : EXIT_CODES.ok;
  if (!flags.wait) {
    if (flags.json) ctx.printJson({ documents: submission.submitted, ...outcomeJson(submission) });
    else printSubmission(submission, ctx);
    return ctx.setExitCode(sentExitCode);
  }
  const waited = await waitForSubmission(client, submission, flags, ctx);
  const exitCode = mostUrgent(sentExitCode, waitExitCode(waited.views, waited.unsettled));
  if (flags.json) ctx.printJson(settledJson(submission, waited));
  else printSettled(submission, waited, { timeout: flags.timeout, exitCode }, ctx);
  ctx.setExitCode(exitCode);
}

/** The usage errors of `docket submit`, found before anything is read or sent. */
function checkSubmitFlags(inputs: readonly string[], flags: SubmitFlags): void {
  if (inputs.length === 0 && flags.jsonl === undefined) {
    throw new UsageError('nothing to submit: name files or folders, - for stdin, or --jsonl <file>');
  }
  if (flags.id !== undefined && flags.idFromPath) throw new UsageError('use either --id or --id-from-path, not both');
}

/** The documents of the inputs (naming the files skipped), with `--id` given to the only one. */
async function readDocuments(inputs: string[], flags: SubmitFlags, ctx: CommandContext): Promise<CollectedInputs> {
  const collected = await collectInputs(inputs, {
    jsonl: flags.jsonl,
    idFromPath: flags.idFromPath ?? false,
    extensions: flags.ext ?? [],
    cwd: ctx.io.cwd,
    stdin: ctx.io.stdin,
  });
  for (const line of skippedLines(collected.skipped)) ctx.warn(line);
  const all = [...collected.documents, ...collected.files];
  if (all.length === 0) throw new CliError('nothing to submit: no document Docket reads found in the inputs');
  const first = all[0];
  if (flags.id !== undefined) {
    if (all.length !== 1 || !first) throw new UsageError(`--id names one document, but the inputs hold ${all.length}`);
    first.id = flags.id;
  }
  return collected;
}

/**
 * Sends the documents the API does not hold yet, texts as JSON and then files as multipart, with one progress bar on
 * a terminal.
 */
async function send(
  client: DocketClient,
  { documents, files, skipped }: CollectedInputs,
  flags: SubmitFlags,
  ctx: CommandContext,
): Promise<Submission> {
  // The same folder again: documents already there are reported with their status, not sent in a new batch.
  const taxonomy = flags.taxonomy ?? 'default';
  const several = documents.length + files.length > 1;
  const texts = several ? await findKnown(client, documents, taxonomy) : { known: [], fresh: documents };
  const binaries = several ? await findKnown(client, files, taxonomy) : { known: [], fresh: files };
  const known: KnownDocument[] = [...texts.known, ...binaries.known];
  if (known.length > 0) ctx.warn(describeKnown(known));
  const fresh = texts.fresh.length + binaries.fresh.length;
  const bar = progressBarFor(ctx.io.stderr, fresh, flags.json);
  const options = {
    taxonomy: flags.taxonomy,
    batchSize: flags.batchSize,
    ...(flags.batchApi ? { mode: 'batch_api' as const } : {}),
  };
  let outcome: SubmitOutcome = { submitted: [], rejected: [], batchIds: [] };
  try {
    if (texts.fresh.length > 0) {
      outcome = await submitDocuments(client, texts.fresh, {
        ...options,
        batchBytes: BATCH_BYTES,
        onProgress: (done) => bar?.submitting(done),
      });
    }
    if (binaries.fresh.length > 0) {
      const sent = await submitFiles(client, binaries.fresh, {
        ...options,
        batchBytes: FILE_BATCH_BYTES,
        onProgress: (done) => bar?.submitting(texts.fresh.length + done),
      });
      outcome = mergeOutcomes(outcome, sent);
    }
  } finally {
    bar?.stop();
  }
  const again = known.map(({ doc, view }) => ({ source: doc.source, id: view.id, status: view.status }));
  return {
    ...outcome,
    submitted: [...again, ...outcome.submitted],
    known,
    skipped,
    fresh,
    sent: outcome.submitted.length,
  };
}

function mergeOutcomes(a: SubmitOutcome, b: SubmitOutcome): SubmitOutcome {
  return {
    submitted: [...a.submitted, ...b.submitted],
    rejected: [...a.rejected, ...b.rejected],
    batchIds: [...a.batchIds, ...b.batchIds],
  };
}

/** What the `--json` output says besides the documents, with or without `--wait`. */
function outcomeJson(s: Submission) {
  return { rejected: s.rejected, skipped: s.skipped, batches: s.batchIds, known: s.known.map((k) => k.view.id) };
}

/** The readable output without `--wait`: the documents (when few), the count sent, and how to follow them. */
function printSubmission(s: Submission, ctx: CommandContext): void {
  if (s.submitted.length <= LIST_LIMIT) for (const d of s.submitted) ctx.print(submittedLine(d));
  const via =
    s.batchIds.length > 0 ? ` in ${s.batchIds.length === 1 ? 'batch' : 'batches'} ${s.batchIds.join(', ')}` : '';
  const count = s.sent === s.fresh ? plural(s.sent, 'document') : `${s.sent} of ${s.fresh} documents`;
  ctx.print(s.fresh === 0 ? 'Nothing new to submit.' : `Submitted ${count}${via}.`);
  const follow = followCommand(s.submitted, s.batchIds);
  if (follow) ctx.print(`Follow with: ${follow}`);
}

/** Follows the submitted documents until they settle or `--timeout` runs out. */
async function waitForSubmission(
  client: DocketClient,
  s: Submission,
  flags: SubmitFlags,
  ctx: CommandContext,
): Promise<Waited> {
  const ids = s.submitted.map((d) => d.id);
  const { views, unsettled } =
    ids.length > 0
      ? await waitWithProgress(client, ids, flags, ctx)
      : { views: new Map<string, DocumentView>(), unsettled: [] };
  const settled = s.submitted.map((d) => ({ submitted: d, view: views.get(d.id) }));
  const answered = settled.flatMap((r) => (r.view ? [r.view] : []));
  return { settled, views: answered, unsettled };
}

/** The `--json` output with `--wait`: every document's view, what was refused or left out, and a summary. */
function settledJson(s: Submission, { settled, views, unsettled }: Waited) {
  return {
    documents: settled.map((r) => ({
      source: r.submitted.source,
      ...(r.submitted.batchId ? { batchId: r.submitted.batchId } : {}),
      ...(r.view ?? { id: r.submitted.id }),
    })),
    ...outcomeJson(s),
    unsettled,
    summary: {
      documents: views.length,
      counts: countStatuses(views),
      calls: views.reduce((n, v) => n + v.calls, 0),
      costUsd: views.reduce((n, v) => n + v.costUsd, 0),
    },
  };
}

/**
 * The readable output with `--wait`: every document when few, else only those not completed; then the batches,
 * the summary, what timed out, and what to do next.
 */
function printSettled(
  s: Submission,
  waited: Waited,
  end: { timeout: number | undefined; exitCode: ExitCode },
  ctx: CommandContext,
): void {
  const listAll = waited.settled.length <= LIST_LIMIT;
  for (const r of waited.settled) {
    if (!r.view || (!listAll && r.view.status === DOCUMENT_STATUS.completed)) continue;
    const source = r.submitted.source !== r.view.id ? `  (${r.submitted.source})` : '';
    ctx.print(`${formatDocument(r.view)}${source}`);
  }
  if (s.batchIds.length > 0) ctx.print(`${s.batchIds.length === 1 ? 'Batch' : 'Batches'} ${s.batchIds.join(', ')}`);
  ctx.print(formatSummary(waited.views));
  const timedOut = timeoutMessage(waited.unsettled, end.timeout);
  if (timedOut) ctx.warn(timedOut);
  const follow = followCommand(s.submitted, s.batchIds);
  if (follow) ctx.print(`See again with: ${follow}`);
  if (end.exitCode === EXIT_CODES.needsAttention) {
    ctx.print('A person or an operator must act: see docket reviews, docket resume.');
  }
}

/** `docket batch <id>` for one batch, else `docket status <id>` for one document (nothing for several batches). */
export function followCommand(
  submitted: readonly SubmittedDocument[],
  batchIds: readonly string[],
): string | undefined {
  if (batchIds.length === 1) return `docket batch ${batchIds[0]}`;
  if (batchIds.length > 1) return `docket batch <id> (one of the batches above)`;
  return submitted.length === 1 && submitted[0] ? `docket status ${submitted[0].id}` : undefined;
}

/** `<id>  <status>  (<source>)`: a document submitted without `--wait` (batches answer with ids, hence `accepted`). */
export function submittedLine(s: SubmittedDocument): string {
  return `${s.id}  ${s.status ?? 'accepted'}${s.source !== s.id ? `  (${s.source})` : ''}`;
}

import type { Command } from 'commander';
import { DocketApiError, type DocketClient, type DocumentView } from '../../client/docket-client.js';
import type { CommandContext } from '../context.js';
import { EXIT_CODES, mostUrgent, type ExitCode } from '../exit-codes.js';
import { formatDocument } from '../format.js';
import { addApiCommand, addWaitOptions, type ApiFlags, type WaitFlags } from '../options.js';
import { timeoutMessage, waitExitCode, waitWithProgress } from '../wait.js';

type StatusFlags = ApiFlags & WaitFlags;

/** An id the API does not know, as `--json` reports it. */
interface UnknownDocument {
  id: string;
  status: number;
  code: string;
  message: string;
}

/** `docket status <ids...>`: each document's status and result, optionally waiting until they settle. */
export function registerStatus(program: Command, ctx: CommandContext): void {
  addWaitOptions(
    addApiCommand(program, 'status', "Show documents' status and results").argument('<ids...>', 'document ids'),
  )
    .addHelpText('after', '\nExamples:\n  docket status doc-1f3a… \n  docket status a-1 a-2 --wait --json')
    .action((ids: string[], flags: StatusFlags) => status(ids, flags, ctx));
}

async function status(ids: string[], flags: StatusFlags, ctx: CommandContext): Promise<void> {
  const client = ctx.connect(flags, 'submitter');
  const { views, errors } = await fetchDocuments(client, ids);
  let unsettled: string[] = [];
  if (flags.wait && views.size > 0) {
    const waited = await waitWithProgress(client, [...views.keys()], flags, ctx);
    for (const [id, view] of waited.views) views.set(id, view);
    unsettled = waited.unsettled;
  }
  const list = ids.flatMap((id) => views.get(id) ?? []);
  if (flags.json) ctx.printJson({ documents: list, errors, ...(flags.wait ? { unsettled } : {}) });
  else {
    for (const view of list) ctx.print(formatDocument(view));
    for (const e of errors) ctx.warn(`${e.id}: ${e.message}`);
    const timedOut = flags.wait ? timeoutMessage(unsettled, flags.timeout) : undefined;
    if (timedOut) ctx.warn(timedOut);
  }
  const exitCode: ExitCode = errors.length > 0 ? EXIT_CODES.failure : EXIT_CODES.ok;
  ctx.setExitCode(flags.wait ? mostUrgent(exitCode, waitExitCode(list, unsettled)) : exitCode);
}

/** The views of the documents the API knows, in order, and the ids it answered 404 for. */
async function fetchDocuments(
  client: DocketClient,
  ids: readonly string[],
): Promise<{ views: Map<string, DocumentView>; errors: UnknownDocument[] }> {
  const views = new Map<string, DocumentView>();
  const errors: UnknownDocument[] = [];
  for (const id of ids) {
    try {
      views.set(id, await client.get(id));
    } catch (err) {
      if (!(err instanceof DocketApiError && err.status === 404)) throw err;
      errors.push({ id, status: err.status, code: err.code, message: err.message });
    }
  }
  return { views, errors };
}

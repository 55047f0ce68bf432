import { DocketApiError, type DocketClient, type DocumentStatus, type DocumentView } from '../client/docket-client.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';
import { countStatuses } from './format.js';
import type { OutputFlags, WaitFlags } from './options.js';
import { progressBarFor } from './progress.js';

/** Statuses after which `--wait` stops watching a document: it is decided, or a person or an operator must act. */
export const SETTLED_STATUSES: readonly DocumentStatus[] = [
  DOCUMENT_STATUS.completed,
  DOCUMENT_STATUS.failed,
  DOCUMENT_STATUS.pendingReview,
  DOCUMENT_STATUS.paused,
];

export interface WaitManyOptions {
  /** Give up after this many milliseconds; unset waits until every document settles. */
  timeoutMs?: number;
  /** Pause between two rounds of polls. */
  intervalMs: number;
  /** Polls in flight at once. */
  concurrency: number;
  onProgress?: (views: ReadonlyMap<string, DocumentView>) => void;
  signal?: AbortSignal;
}

export interface WaitManyResult {
  views: Map<string, DocumentView>;
  /** Ids still unsettled when time ran out. */
  unsettled: string[];
}

/** Unreachable or overloaded API: keep the last view and try again next round. */
const TRANSIENT = new Set([0, 502, 503, 504]);

/**
 * Polls documents until each is settled (completed, failed, pending review or paused), one round at a time with
 * bounded concurrency; settled documents are not polled again.
 */
export async function waitForDocuments(
  client: DocketClient,
  ids: readonly string[],
  options: WaitManyOptions,
): Promise<WaitManyResult> {
  const views = new Map<string, DocumentView>();
  let pending = [...new Set(ids)];
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    let next = 0;
    const round = pending;
    const poll = async () => {
      while (next < round.length) {
        const id = round[next++];
        if (id === undefined) continue;
        try {
          views.set(id, await client.get(id));
        } catch (err) {
          if (!(err instanceof DocketApiError && TRANSIENT.has(err.status))) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, round.length) }, poll));
    options.onProgress?.(views);
    pending = round.filter((id) => {
      const status = views.get(id)?.status;
      return status === undefined || !SETTLED_STATUSES.includes(status);
    });
    if (pending.length === 0) return { views, unsettled: [] };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { views, unsettled: pending };
    await new Promise((r) => setTimeout(r, Math.min(options.intervalMs, remaining)));
  }
}

/** Polls in flight at once while `--wait` follows documents. */
const POLL_CONCURRENCY = 8;

/**
 * `--wait`: follows documents until they settle, with a progress bar on a terminal. Ctrl-C stops waiting (the
 * documents keep classifying) and fails the command with a note on how to follow them.
 */
export async function waitWithProgress(
  client: DocketClient,
  ids: string[],
  flags: WaitFlags & OutputFlags,
  ctx: CommandContext,
): Promise<WaitManyResult> {
  const bar = progressBarFor(ctx.io.stderr, ids.length, flags.json);
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
    ctx.warn('\nStopped waiting; the documents keep classifying. Follow them with: docket status <id>');
    throw new CliError('interrupted', EXIT_CODES.failure);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    bar?.stop();
  }
}

/** 1 when any document failed or time ran out, else 3 when a person or an operator must act, else 0. */
export function waitExitCode(views: readonly DocumentView[], unsettled: readonly string[]): ExitCode {
  if (unsettled.length > 0 || views.some((v) => v.status === DOCUMENT_STATUS.failed)) return EXIT_CODES.failure;
  if (views.some((v) => v.status === DOCUMENT_STATUS.pendingReview || v.status === DOCUMENT_STATUS.paused)) {
    return EXIT_CODES.needsAttention;
  }
  return EXIT_CODES.ok;
}

/** What to say when `--timeout` ran out with documents still classifying (undefined when none is). */
export function timeoutMessage(unsettled: readonly string[], timeout: number | undefined): string | undefined {
  if (unsettled.length === 0) return undefined;
  const follow = `${unsettled.slice(0, 3).join(' ')}${unsettled.length > 3 ? ' …' : ''}`;
  return `Timed out after ${timeout} s with ${unsettled.length} documents still classifying; follow them with: docket status ${follow}`;
}

import { DocketApiError, type DocketClient, type DocumentStatus, type DocumentView } from '../client/docket-client.js';
import { DOCUMENT_STATUS } from '../shared/status.js';

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

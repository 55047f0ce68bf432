import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/** Input of `retentionWorkflow`, set by the `docket-retention` Schedule. */
export interface RetentionInput {
  /** Documents and samples stored more than this many days ago are erased. */
  retentionDays: number;
  /** Documents erased per activity, so that one activity stays short and its retry repeats little. @default 25 */
  pageSize?: number;
  /** Pages per run before continuing as new, which keeps each history small. @default 50 */
  pagesPerRun?: number;
  /** Set by the first run of a purge: what was stored before it goes, however long the purge takes. */
  cutoff?: string;
  /** Carried across continue-as-new. */
  totals?: RetentionTotals;
}

export interface RetentionTotals {
  documentsErased: number;
  samplesDeleted: number;
  pages: number;
  runs: number;
}

export interface RetentionResult {
  cutoff: string;
  totals: RetentionTotals;
}

const { purgeDocumentsPage, purgeSamplesPage } = proxyActivities<Activities>({
  // A page erases at most `pageSize` documents, each given up to 10 s to finish a cancellation.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  // A document that cannot be erased fails this run; the next scheduled run starts over from the oldest.
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

const DAY_MS = 86_400_000;

/**
 * Purges what is older than the retention period, in pages, through the same erasure as `DELETE /v1/documents/:id`.
 * The cursor is the data itself: every page takes the oldest documents still stored before the cutoff, so a retried
 * activity, a crashed worker or a continued run resumes exactly where the purge stopped.
 */
export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  // Workflow time is recorded in history, so the cutoff replays identically.
  const cutoff = input.cutoff ?? new Date(Date.now() - input.retentionDays * DAY_MS).toISOString();
  const pageSize = input.pageSize ?? 25;
  const pagesPerRun = input.pagesPerRun ?? 50;
  const totals: RetentionTotals = input.totals ?? { documentsErased: 0, samplesDeleted: 0, pages: 0, runs: 0 };
  totals.runs++;
  let pagesThisRun = 0;
  const runIsOver = () => pagesThisRun >= pagesPerRun || workflowInfo().continueAsNewSuggested;

  for (;;) {
    const page = await purgeDocumentsPage({ cutoff, limit: pageSize });
    totals.documentsErased += page.erased;
    totals.pages++;
    pagesThisRun++;
    if (page.erased < pageSize) break;
    if (runIsOver()) return continueAsNew<typeof retentionWorkflow>({ ...input, cutoff, totals });
  }
  // Samples left by documents erased above go with them; these are the ones whose document is gone or never stored.
  for (;;) {
    const page = await purgeSamplesPage({ cutoff, limit: pageSize * 40 });
    totals.samplesDeleted += page.deleted;
    totals.pages++;
    pagesThisRun++;
    if (page.deleted < pageSize * 40) break;
    if (runIsOver()) return continueAsNew<typeof retentionWorkflow>({ ...input, cutoff, totals });
  }
  return { cutoff, totals };
}

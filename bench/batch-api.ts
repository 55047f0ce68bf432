/**
 * Scenario (h), issue 17: the same documents through realtime calls and through the OpenAI Batch API, side by side on
 * one Docket and one simulator: what each costs, how many provider requests each makes, and that nothing is lost,
 * stored twice or paid twice.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { submitBatch } from '../src/documents/batch.js';
import { parseCustomId } from '../src/shared/batch-api.js';
import { batchWorkflowId } from '../src/shared/names.js';
import { withTimeout } from './child-process.js';
import { startDocketStack, type DocketStack } from './docket-side.js';
import type { BenchDocument } from './documents.js';
import type { LaneOptions } from './lanes.js';

/** One mode's run of the documents. */
export interface ModeRun {
  mode: 'realtime' | 'batch_api';
  documents: number;
  wallSeconds: number;
  /** Dollars in the ledger for the run's documents. */
  costUsd: number;
  /** HTTP requests the provider received: chat completions, or Files and Batches calls. */
  providerRequests: number;
  requestsPerDocument: number;
  /** Provider jobs (Batch API). */
  jobs: number;
  /** Documents with a stored result, or resting where a person must act (pending_review, paused). */
  validated: number;
  /** Documents neither classified nor resting: lost. */
  lost: number;
  /** Result rows beyond one per document. */
  duplicateResults: number;
  /** Lines the provider billed more than once for the same request (Batch API). */
  linesPaidTwice: number;
}

/** (h) as measured. */
export interface BatchApiFigures {
  runs: ModeRun[];
  /** Batch API cost ÷ realtime cost (issue 17's goal: ≤ 0.52). */
  costRatio: number;
  /** Documents whose category differs between the two modes (goal: 0). */
  differingResults: number;
}

/** The Batch API settings of the run: jobs formed after 10 s of gathering, looked at every 0.5–2 s. */
const BATCH_API_ENV = {
  DOCKET_BATCH_API_MAX_WAIT: '10s',
  DOCKET_BATCH_API_POLL_INTERVAL: '500ms',
  DOCKET_BATCH_API_POLL_MAX: '2s',
};

/** (h): the batch once as realtime, then the same texts under other ids in `batch_api` mode. */
export async function runBatchApiComparison(options: LaneOptions): Promise<BatchApiFigures> {
  const stack = await startDocketStack({
    ...options,
    env: { ...BATCH_API_ENV, ...options.env },
    maxBatchDocuments: options.batch.length,
  });
  try {
    return await compare(stack, options);
  } catch (err) {
    // Said before the stack stops: a client call still retrying then fails too, and would hide this one.
    options.log(`  (h) failed: ${(err as Error).stack ?? String(err)}`);
    options.log(`  worker output: ${stack.worker.output().slice(-4_000)}`);
    throw err;
  } finally {
    await stack.stop();
  }
}

async function compare(stack: DocketStack, options: LaneOptions): Promise<BatchApiFigures> {
  const realtime = await runMode(stack, options, 'realtime');
  options.log(`  realtime: ${describe(realtime)}`);
  const batchApi = await runMode(stack, options, 'batch_api');
  options.log(`  batch_api: ${describe(batchApi)}`);
  return {
    runs: [realtime, batchApi],
    costRatio: batchApi.costUsd / realtime.costUsd,
    differingResults: await differingResults(stack, options.batch),
  };
}

const idOf = (mode: ModeRun['mode'], doc: BenchDocument) => `${mode === 'realtime' ? 'rt' : 'ba'}-${doc.id}`;

async function runMode(stack: DocketStack, options: LaneOptions, mode: ModeRun['mode']): Promise<ModeRun> {
  const deps = { pool: stack.pool, client: stack.client, config: stack.config };
  const sim = stack.simulator;
  const requestsBefore = mode === 'realtime' ? sim.requests.length : sim.batchApiRequests.length;
  const started = Date.now();
  const documents = options.batch.map((doc) => ({ id: idOf(mode, doc), text: doc.text }));
  const { batchId } = await submitBatch(deps, { documents, mode });
  await withTimeout(batchResult(stack, batchId), options.timeoutMs);
  const wallSeconds = (Date.now() - started) / 1000;
  const ids = documents.map((d) => d.id);
  const providerRequests = (mode === 'realtime' ? sim.requests.length : sim.batchApiRequests.length) - requestsBefore;
  const counts = await stack.pool.query<{ cost: number; results: number; documents: number }>(
    `SELECT (SELECT coalesce(sum(cost_usd), 0)::float8 FROM llm_calls WHERE document_id = ANY($1)) AS cost,
            (SELECT count(*)::int FROM classifications WHERE document_id = ANY($1)) AS results,
            (SELECT count(DISTINCT document_id)::int FROM classifications WHERE document_id = ANY($1)) AS documents`,
    [ids],
  );
  const row = counts.rows[0]!;
  const resting = await stack.client.workflow.count(
    `DocketBatchId = '${batchId}' AND DocketStatus IN ('pending_review', 'paused')`,
  );
  const jobs =
    mode === 'batch_api' ? sim.batchJobs().filter((j) => j.lines.some((l) => ids.includes(docOf(l.customId)))) : [];
  return {
    mode,
    documents: ids.length,
    wallSeconds,
    costUsd: row.cost,
    providerRequests,
    requestsPerDocument: providerRequests / ids.length,
    jobs: jobs.length,
    validated: row.documents + resting.count,
    lost: ids.length - row.documents - resting.count,
    duplicateResults: row.results - row.documents,
    linesPaidTwice: linesPaidTwice(jobs),
  };
}

/** The batch workflow's result; a start Temporal did not take in time is made by the reconciler a little later. */
async function batchResult(stack: DocketStack, batchId: string): Promise<unknown> {
  for (;;) {
    try {
      return await stack.client.workflow.getHandle(batchWorkflowId(batchId)).result();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** The document a custom_id names. */
const docOf = (customId: string): string => parseCustomId(customId)?.documentId ?? customId;

/** Documents billed for more than one successful line across the jobs. */
function linesPaidTwice(jobs: ReturnType<DocketStack['simulator']['batchJobs']>): number {
  const billed = new Map<string, number>();
  for (const job of jobs) {
    for (const line of job.lines) {
      if (line.billed.promptTokens === 0) continue;
      const doc = docOf(line.customId);
      billed.set(doc, (billed.get(doc) ?? 0) + 1);
    }
  }
  return [...billed.values()].filter((n) => n > 1).length;
}

/** Documents whose stored category differs between the realtime and the Batch API run. */
async function differingResults(stack: DocketStack, batch: BenchDocument[]): Promise<number> {
  const { rows } = await stack.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM classifications rt JOIN classifications ba
       ON ba.document_id = 'ba-' || substr(rt.document_id, 4)
     WHERE rt.document_id = ANY($1) AND rt.category <> ba.category`,
    [batch.map((d) => idOf('realtime', d))],
  );
  return rows[0]?.n ?? 0;
}

function describe(run: ModeRun): string {
  return (
    `${run.validated}/${run.documents} validated in ${run.wallSeconds.toFixed(0)} s, $${run.costUsd.toFixed(4)}, ` +
    `${run.requestsPerDocument.toFixed(3)} provider requests/doc, ${run.jobs} jobs, lost ${run.lost}, ` +
    `duplicate results ${run.duplicateResults}, lines paid twice ${run.linesPaidTwice}`
  );
}

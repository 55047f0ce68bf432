/**
 * Scenarios (f) and (g), for issue 18's priority lanes (item 6): how long an interactive document waits behind a batch
 * that saturates the provider's limit, and how two batches submitted together share that limit.
 */
import { submitBatch } from '../src/documents/batch.js';
import { submitDocument } from '../src/documents/submit.js';
import type { Pool } from '../src/db/pool.js';
import { batchWorkflowId, documentWorkflowId } from '../src/shared/names.js';
import { withTimeout } from './child-process.js';
import { startDocketStack, type DocketSideOptions, type DocketStack } from './docket-side.js';
import type { BenchDocument } from './documents.js';
import { percentile } from './metrics.js';

/** (f) as measured: latencies in seconds, from `submitDocument` to the stored result. */
export interface InteractiveFigures {
  /** Interactive documents submitted one at a time with nothing else running. */
  idleSeconds: number[];
  /** The same, submitted while the batch saturates the limit. */
  loadedSeconds: number[];
  /** When each loaded one was submitted, seconds after the batch. */
  loadedSubmittedAt: number[];
  /** The batch's documents per second between the first loaded submission and the last loaded result. */
  batchDocsPerSecond: number;
  idleP50: number;
  loadedP50: number;
  loadedMax: number;
  /** Loaded p50 ÷ idle p50 (issue 18's goal: ≤ 2). */
  ratio: number;
}

/** (g) as measured: two batches of different sources submitted together. */
export interface FairnessFigures {
  batches: { source: string; documents: number; makespanSeconds: number; firstResultSeconds: number }[];
  /** Seconds from submission until the first batch finished: both were competing until then. */
  overlapSeconds: number;
  /** Each batch's share of the documents completed while both were running (%). */
  sharesWhileBoth: number[];
}

export interface LaneOptions extends Omit<DocketSideOptions, 'documents'> {
  batch: BenchDocument[];
}

/** The stored result's time of a document (epoch ms), once its workflow has completed. */
async function decidedAt(pool: Pool, id: string): Promise<number> {
  const { rows } = await pool.query<{ at: number }>(
    'SELECT (extract(epoch FROM decided_at) * 1000)::float8 AS at FROM classifications WHERE document_id = $1',
    [id],
  );
  const at = rows[0]?.at;
  if (at === undefined) throw new Error(`document ${id} completed without a stored result`);
  return at;
}

/** Submits one document as `POST /v1/documents` does and resolves with its latency in seconds. */
async function interactiveLatency(stack: DocketStack, doc: BenchDocument): Promise<number> {
  const submittedAt = Date.now();
  await submitDocument(
    { pool: stack.pool, client: stack.client, config: stack.config },
    { id: doc.id, text: doc.text },
  );
  await stack.client.workflow.getHandle(documentWorkflowId(doc.id)).result();
  return ((await decidedAt(stack.pool, doc.id)) - submittedAt) / 1000;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * (f): `interactive.length / 2` documents one after the other on an idle Docket, then the batch, and while it
 * saturates the limit the other half, one every `everyMs` from `firstMs` after the batch.
 */
export async function runInteractive(
  options: LaneOptions & { interactive: BenchDocument[]; firstMs: number; everyMs: number },
): Promise<InteractiveFigures> {
  const stack = await startDocketStack({ ...options, maxBatchDocuments: options.batch.length });
  try {
    const half = Math.floor(options.interactive.length / 2);
    const idleSeconds: number[] = [];
    for (const doc of options.interactive.slice(0, half)) idleSeconds.push(await interactiveLatency(stack, doc));
    options.log(`  idle: ${idleSeconds.map((s) => s.toFixed(2)).join(', ')} s`);
    const batchAt = Date.now();
    const { batchId } = await submitBatch(
      { pool: stack.pool, client: stack.client, config: stack.config },
      { documents: options.batch.map((d) => ({ id: d.id, text: d.text })) },
    );
    const loaded = options.interactive.slice(half).map(async (doc, i) => {
      await sleep(batchAt + options.firstMs + i * options.everyMs - Date.now());
      const submittedAt = (Date.now() - batchAt) / 1000;
      const seconds = await interactiveLatency(stack, doc);
      options.log(`  loaded: ${doc.id} submitted at +${submittedAt.toFixed(0)} s waited ${seconds.toFixed(1)} s`);
      return { seconds, submittedAt };
    });
    const results = await withTimeout(Promise.all(loaded), options.timeoutMs);
    const from = batchAt + options.firstMs;
    const to = Math.max(...results.map((r) => batchAt + (r.submittedAt + r.seconds) * 1000));
    const { rows } = await stack.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM batch_documents b JOIN classifications c ON c.document_id = b.document_id
       WHERE b.batch_id = $1 AND c.decided_at BETWEEN to_timestamp($2 / 1000.0) AND to_timestamp($3 / 1000.0)`,
      [batchId, from, to],
    );
    const loadedSeconds = results.map((r) => r.seconds);
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const idleP50 = percentile(sorted(idleSeconds), 50);
    const loadedP50 = percentile(sorted(loadedSeconds), 50);
    return {
      idleSeconds,
      loadedSeconds,
      loadedSubmittedAt: results.map((r) => r.submittedAt),
      batchDocsPerSecond: (rows[0]?.n ?? 0) / ((to - from) / 1000),
      idleP50,
      loadedP50,
      loadedMax: Math.max(...loadedSeconds),
      ratio: loadedP50 / idleP50,
    };
  } finally {
    // The batch may still run: its workflows go with the server.
    await stack.stop();
  }
}

/** (g): two batches of `batch.length / 2` documents each, from two sources, submitted at the same moment. */
export async function runFairness(options: LaneOptions): Promise<FairnessFigures> {
  const stack = await startDocketStack({ ...options, maxBatchDocuments: options.batch.length });
  try {
    const half = Math.floor(options.batch.length / 2);
    const sources = [
      { source: 'source-a', documents: options.batch.slice(0, half) },
      { source: 'source-b', documents: options.batch.slice(half) },
    ];
    const submittedAt = Date.now();
    const accepted = await Promise.all(
      sources.map(({ source, documents }) =>
        submitBatch(
          { pool: stack.pool, client: stack.client, config: stack.config },
          { documents: documents.map((d) => ({ id: d.id, text: d.text, metadata: { source } })) },
        ),
      ),
    );
    await withTimeout(
      Promise.all(accepted.map(({ batchId }) => stack.client.workflow.getHandle(batchWorkflowId(batchId)).result())),
      options.timeoutMs,
    );
    const done = await Promise.all(accepted.map(({ batchId }) => completionTimes(stack.pool, batchId)));
    const overlapEnd = Math.min(...done.map((times) => times[times.length - 1] ?? submittedAt));
    const whileBoth = done.map((times) => times.filter((t) => t <= overlapEnd).length);
    const total = whileBoth.reduce((a, b) => a + b, 0);
    return {
      batches: sources.map(({ source, documents }, i) => ({
        source,
        documents: documents.length,
        makespanSeconds: ((done[i]?.[done[i]!.length - 1] ?? submittedAt) - submittedAt) / 1000,
        firstResultSeconds: ((done[i]?.[0] ?? submittedAt) - submittedAt) / 1000,
      })),
      overlapSeconds: (overlapEnd - submittedAt) / 1000,
      sharesWhileBoth: whileBoth.map((n) => (total > 0 ? (100 * n) / total : Number.NaN)),
    };
  } finally {
    await stack.stop();
  }
}

/** The stored results' times of a batch's documents, ascending (epoch ms). */
async function completionTimes(pool: Pool, batchId: string): Promise<number[]> {
  const { rows } = await pool.query<{ at: number }>(
    `SELECT (extract(epoch FROM c.decided_at) * 1000)::float8 AS at
     FROM batch_documents b JOIN classifications c ON c.document_id = b.document_id
     WHERE b.batch_id = $1 ORDER BY c.decided_at`,
    [batchId],
  );
  return rows.map((r) => r.at);
}

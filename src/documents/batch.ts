import { randomUUID } from 'node:crypto';
import { getBatchSummary, insertBatch } from '../db/queries.js';
import type { Config } from '../config.js';
import { isBatchStartPending } from '../db/workflow-starts.js';
import { DOCKET_MODE, type DocketMode } from '../shared/batch-api.js';
import { batchWorkflowId, WORKFLOW_TYPES } from '../shared/names.js';
import { SEARCH_ATTRIBUTES } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS, DOCUMENT_STATUSES } from '../shared/status.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, NotFoundError, TooLargeError, UnavailableError } from './errors.js';
import { routeDocument } from './routing.js';
import type { BatchAccepted, BatchView } from './schemas.js';
import { checkDocument, resolveTaxonomy, START_HOLD_MARGIN_MS, type CheckedDocument } from './submit.js';
import { batchStart, startOwedWorkflow } from './workflow-start.js';

/** A batch as a caller submits it: its documents, under one taxonomy. */
export interface SubmitBatch {
  documents: { id?: string; text: string; metadata?: Record<string, unknown> }[];
  taxonomy?: string;
  /** How the documents' model calls are made. @default DOCKET_DEFAULT_MODE */
  mode?: DocketMode;
}

/** How long a batch view waits for Temporal visibility, ms. */
const VISIBILITY_TIMEOUT_MS = 2_000;
/** The statuses a batch's documents rest in until someone acts; counted through Temporal visibility. */
const RESTING = [DOCUMENT_STATUS.pendingReview, DOCUMENT_STATUS.paused, DOCUMENT_STATUS.failed] as const;

/**
 * Accepts a batch: every document is checked, then all are stored in one transaction with the start of their
 * `classifyBatchWorkflow` (nothing is half-stored: a conflict rejects the whole request), which classifies them
 * through a bounded window. When Temporal does not accept the start in time the batch is accepted and queued
 * (`queued: true`): a worker's reconciler starts it.
 */
export async function submitBatch(deps: ServiceDeps, batch: SubmitBatch): Promise<BatchAccepted> {
  const limit = deps.config.api.maxBatchDocuments;
  if (batch.documents.length > limit) {
    throw new TooLargeError(
      `the batch has ${batch.documents.length} documents; the limit is ${limit} (DOCKET_MAX_BATCH_DOCUMENTS): split it`,
    );
  }
  const checked = batch.documents.map((d) => checkDocument(deps.config, { ...d, taxonomy: batch.taxonomy }));
  await checkConflicts(deps, checked);
  const batchId = randomUUID();
  const start = await storeBatch(deps, batchId, batch, checked);
  const accepted = { batchId, documents: batch.documents.length, ids: checked.map((d) => d.id) };
  const outcome = await startOwedWorkflow(deps, start, deps.config.submission.startTimeoutMs);
  if (outcome.started) return accepted;
  deps.logger?.warn({ batchId, error: outcome.error }, 'Temporal did not accept the batch start; batch queued');
  return { ...accepted, queued: true };
}

/**
 * Children of a batch in flight at once: DOCKET_BATCH_WINDOW, except in `batch_api` mode, where a document waits
 * hours for its job doing nothing: all of them wait together, so that the jobs fill up.
 */
export function batchWindow(config: Config, document: { mode?: DocketMode }): number {
  return document.mode === DOCKET_MODE.batchApi ? Number.MAX_SAFE_INTEGER : config.api.batchWindow;
}

/** Stores the batch, its documents and the start of its workflow in one transaction; returns the start owed. */
async function storeBatch(deps: ServiceDeps, batchId: string, batch: SubmitBatch, checked: CheckedDocument[]) {
  const taxonomy = resolveTaxonomy(deps.config, batch.taxonomy);
  const route = await routeDocument(deps.pool, deps.config, taxonomy, batch.mode);
  const start = batchStart({
    batchId,
    total: batch.documents.length,
    window: batchWindow(deps.config, route.document),
    document: route.document,
    ...(route.canary ? { canary: route.canary } : {}),
  });
  const { conflicts } = await insertBatch(
    deps.pool,
    { id: batchId, taxonomy: taxonomy.name },
    batch.documents.map((d, i) => ({
      id: checked[i]!.id,
      contentHash: checked[i]!.hash,
      text: d.text,
      metadata: d.metadata ?? {},
      taxonomy: taxonomy.name,
    })),
    // The reconciler keeps off while this request makes its own attempt (see submitDocument).
    { start, holdMs: deps.config.submission.startTimeoutMs + START_HOLD_MARGIN_MS },
  );
  if (conflicts.length > 0) {
    throw new ConflictError(`documents ${conflicts.slice(0, 5).join(', ')} already exist with different text`);
  }
  return start;
}

/**
 * A conflict before anything is stored when an id is taken by other text (or another taxonomy), or appears twice in
 * the batch with different texts: `submitDocument` would refuse it only after the documents before it were stored.
 */
async function checkConflicts(deps: ServiceDeps, docs: CheckedDocument[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const d of docs) {
    const hash = seen.get(d.id);
    if (hash !== undefined && hash !== d.hash) {
      throw new ConflictError(`document ${d.id} appears twice in the batch with different text`);
    }
    seen.set(d.id, d.hash);
  }
  const { rows } = await deps.pool.query<{ id: string; content_hash: string; taxonomy: string }>(
    'SELECT id, content_hash, taxonomy FROM documents WHERE id = ANY($1)',
    [[...seen.keys()]],
  );
  const wanted = new Map(docs.map((d) => [d.id, d]));
  for (const row of rows) {
    const doc = wanted.get(row.id);
    if (doc && row.content_hash !== doc.hash) {
      throw new ConflictError(`document ${row.id} already exists with different text; submit it under a new id`);
    }
    if (doc && row.taxonomy !== doc.taxonomy.name) {
      throw new ConflictError(`document ${row.id} already exists under taxonomy "${row.taxonomy}"`);
    }
  }
}

/**
 * Counts per status and cost so far: results from the database, live statuses from Temporal visibility. A batch
 * still owed its start is answered from the database alone (nothing of it runs yet); Temporal not answering in
 * time is unavailable, not a failure after the client's retries.
 */
export async function getBatchView(deps: ServiceDeps, batchId: string): Promise<BatchView> {
  const summary = await getBatchSummary(deps.pool, batchId);
  if (!summary) throw new NotFoundError(`no batch with id ${batchId}`);
  const counts: Record<string, number> = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0]));
  counts[DOCUMENT_STATUS.completed] = summary.completed;
  const { documents, calls, costUsd } = summary;
  const view = { batchId, documents, counts, done: false, calls, costUsd };
  if (await isBatchStartPending(deps.pool, batchId)) {
    counts[DOCUMENT_STATUS.classifying] = Math.max(0, summary.documents - summary.completed);
    return view;
  }
  const resting = await countResting(deps, batchId);
  RESTING.forEach((status, i) => (counts[status] = resting[i] ?? 0));
  counts[DOCUMENT_STATUS.classifying] = Math.max(
    0,
    summary.documents - Object.values(counts).reduce((a, b) => a + b, 0),
  );
  return { ...view, done: await batchCompleted(deps, batchId) };
}

/** The batch's documents in each of {@link RESTING}, in that order, from Temporal visibility. */
async function countResting(deps: ServiceDeps, batchId: string): Promise<number[]> {
  const scope =
    `${SEARCH_ATTRIBUTES.batchId} = '${batchId.replace(/'/g, '')}' ` +
    `AND WorkflowType = '${WORKFLOW_TYPES.classifyDocument}'`;
  const found = await deps.client
    .withDeadline(Date.now() + VISIBILITY_TIMEOUT_MS, () =>
      Promise.all(
        RESTING.map((status) => deps.client.workflow.count(`${scope} AND ${SEARCH_ATTRIBUTES.status} = '${status}'`)),
      ),
    )
    .catch(() => {
      throw new UnavailableError(
        `Temporal did not answer within ${VISIBILITY_TIMEOUT_MS / 1000} s, so batch ${batchId}'s statuses are unknown for now; retry later (GET /healthz names what is down)`,
      );
    });
  return found.map((f) => f.count);
}

/** Whether the batch's workflow has completed (every document reached a resting status at least once). */
async function batchCompleted(deps: ServiceDeps, batchId: string): Promise<boolean> {
  try {
    const description = await deps.client.withDeadline(Date.now() + VISIBILITY_TIMEOUT_MS, () =>
      deps.client.workflow.getHandle(batchWorkflowId(batchId)).describe(),
    );
    return description.status.name === 'COMPLETED';
  } catch {
    return false;
  }
}

import { randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import { DOCUMENT_STATUS, DOCUMENT_STATUSES } from '../shared/status.js';
import { checkDocument, resolveTaxonomy, type ServiceDeps } from './documents.js';
import { routeDocument } from './routing.js';
import { HttpError } from './http-error.js';
import type { batchSchema } from './schemas.js';
import { getBatchSummary, insertBatch } from '../db/queries.js';
import { isBatchStartPending } from '../db/workflow-starts.js';
import { batchStart, startOwedWorkflow } from '../documents/workflow-start.js';
import { batchWorkflowId, WORKFLOW_TYPES } from '../shared/names.js';

/**
 * Accepts a batch: every document is checked, then all are stored in one transaction with the start of their
 * `classifyBatchWorkflow` (nothing is half-stored: a conflict rejects the whole request), which classifies them
 * through a bounded window. When Temporal does not accept the start in time the batch is accepted and queued
 * (`queued: true`): a worker's reconciler starts it.
 */
export async function submitBatch(
  deps: ServiceDeps,
  body: z.infer<typeof batchSchema>,
): Promise<{ batchId: string; documents: number; ids: string[]; queued?: boolean }> {
  if (body.documents.length > deps.config.api.maxBatchDocuments) {
    throw new HttpError(
      'payload_too_large',
      `the batch has ${body.documents.length} documents; the limit is ${deps.config.api.maxBatchDocuments} (DOCKET_MAX_BATCH_DOCUMENTS): split it`,
    );
  }
  const checked = body.documents.map((d) => checkDocument(deps.config, { ...d, taxonomy: body.taxonomy }));
  await checkConflicts(deps, checked);
  const taxonomy = resolveTaxonomy(deps.config, body.taxonomy);
  const batchId = randomUUID();
  const route = await routeDocument(deps.pool, deps.config, taxonomy);
  const start = batchStart({
    batchId,
    total: body.documents.length,
    window: deps.config.api.batchWindow,
    document: route.document,
    ...(route.canary ? { canary: route.canary } : {}),
  });
  // The batch, its documents and the start of its workflow are committed together (see submitDocument).
  const { conflicts } = await insertBatch(
    deps.pool,
    { id: batchId, taxonomy: taxonomy.name },
    body.documents.map((d, i) => ({
      id: checked[i]!.id,
      contentHash: checked[i]!.hash,
      text: d.text,
      metadata: d.metadata ?? {},
      taxonomy: taxonomy.name,
    })),
    { start, holdMs: deps.config.submission.startTimeoutMs + 2_000 },
  );
  if (conflicts.length > 0) {
    throw new HttpError('conflict', `documents ${conflicts.slice(0, 5).join(', ')} already exist with different text`);
  }
  const outcome = await startOwedWorkflow(deps, start, deps.config.submission.startTimeoutMs);
  if (!outcome.started) {
    deps.logger?.warn({ batchId, error: outcome.error }, 'Temporal did not accept the batch start; batch queued');
    return { batchId, documents: body.documents.length, ids: checked.map((d) => d.id), queued: true };
  }
  return { batchId, documents: body.documents.length, ids: checked.map((d) => d.id) };
}

/**
 * 409 before anything is stored when an id is taken by other text (or another taxonomy), or appears twice in the
 * batch with different texts: `submitDocument` would refuse it only after the documents before it were stored.
 */
async function checkConflicts(deps: ServiceDeps, docs: ReturnType<typeof checkDocument>[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const d of docs) {
    const hash = seen.get(d.id);
    if (hash !== undefined && hash !== d.hash) {
      throw new HttpError('conflict', `document ${d.id} appears twice in the batch with different text`);
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
      throw new HttpError(
        'conflict',
        `document ${row.id} already exists with different text; submit it under a new id`,
      );
    }
    if (doc && row.taxonomy !== doc.taxonomy.name) {
      throw new HttpError('conflict', `document ${row.id} already exists under taxonomy "${row.taxonomy}"`);
    }
  }
}

/** How long a batch view waits for Temporal visibility, ms. */
const VISIBILITY_TIMEOUT_MS = 2_000;

/**
 * Counts per status and cost so far: results from the database, live statuses from Temporal visibility. A batch
 * still owed its start is answered from the database alone (nothing of it runs yet); Temporal not answering in
 * time is a 503, not a 500 after the client's retries.
 */
export async function getBatchView(deps: ServiceDeps, batchId: string) {
  const summary = await getBatchSummary(deps.pool, batchId);
  if (!summary) throw new HttpError('not_found', `no batch with id ${batchId}`);
  const counts: Record<string, number> = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0]));
  counts[DOCUMENT_STATUS.completed] = summary.completed;
  if (await isBatchStartPending(deps.pool, batchId)) {
    counts[DOCUMENT_STATUS.classifying] = Math.max(0, summary.documents - summary.completed);
    return {
      batchId,
      documents: summary.documents,
      counts,
      done: false,
      calls: summary.calls,
      costUsd: summary.costUsd,
    };
  }
  const scope = `DocketBatchId = '${batchId.replace(/'/g, '')}' AND WorkflowType = '${WORKFLOW_TYPES.classifyDocument}'`;
  const resting = [DOCUMENT_STATUS.pendingReview, DOCUMENT_STATUS.paused, DOCUMENT_STATUS.failed] as const;
  const found = await deps.client
    .withDeadline(Date.now() + VISIBILITY_TIMEOUT_MS, () =>
      Promise.all(resting.map((status) => deps.client.workflow.count(`${scope} AND DocketStatus = '${status}'`))),
    )
    .catch(() => {
      throw new HttpError(
        'unavailable',
        `Temporal did not answer within ${VISIBILITY_TIMEOUT_MS / 1000} s, so batch ${batchId}'s statuses are unknown for now; retry later (GET /healthz names what is down)`,
      );
    });
  resting.forEach((status, i) => (counts[status] = found[i]?.count ?? 0));
  counts[DOCUMENT_STATUS.classifying] = Math.max(
    0,
    summary.documents - Object.values(counts).reduce((a, b) => a + b, 0),
  );
  let done = false;
  try {
    const description = await deps.client.withDeadline(Date.now() + VISIBILITY_TIMEOUT_MS, () =>
      deps.client.workflow.getHandle(batchWorkflowId(batchId)).describe(),
    );
    done = description.status.name === 'COMPLETED';
  } catch {
    done = false;
  }
  return { batchId, documents: summary.documents, counts, done, calls: summary.calls, costUsd: summary.costUsd };
}

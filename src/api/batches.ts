import { randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import { DOCUMENT_STATUS, DOCUMENT_STATUSES } from '../shared/status.js';
import { checkDocument, submitDocument, type ServiceDeps } from './documents.js';
import { HttpError } from './http-error.js';
import type { batchSchema } from './schemas.js';
import { getBatchDocumentStatuses } from '../db/queries.js';

const START_CONCURRENCY = 16;

/**
 * Accepts a batch: every document is checked before any is stored, so a bad one rejects the whole request and
 * nothing is half-stored; then each document is stored and its workflow started.
 */
export async function submitBatch(
  deps: ServiceDeps,
  body: z.infer<typeof batchSchema>,
): Promise<{ batchId: string; documents: number; ids: string[] }> {
  if (body.documents.length > deps.config.api.maxBatchDocuments) {
    throw new HttpError(
      'payload_too_large',
      `the batch has ${body.documents.length} documents; the limit is ${deps.config.api.maxBatchDocuments} (DOCKET_MAX_BATCH_DOCUMENTS): split it`,
    );
  }
  const checked = body.documents.map((d) => checkDocument(deps.config, { ...d, taxonomy: body.taxonomy }));
  await checkConflicts(deps, checked);
  const batchId = `batch-${randomUUID()}`;
  let next = 0;
  const startOne = async (): Promise<void> => {
    while (next < body.documents.length) {
      const doc = body.documents[next++];
      if (doc) await submitDocument(deps, { ...doc, taxonomy: body.taxonomy, batchId });
    }
  };
  await Promise.all(Array.from({ length: START_CONCURRENCY }, startOne));
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

/** Counts per status and cost so far. */
export async function getBatchView(deps: ServiceDeps, batchId: string) {
  const rows = await getBatchDocumentStatuses(deps.pool, batchId);
  if (rows.documents === 0) throw new HttpError('not_found', `no batch with id ${batchId}`);
  const counts: Record<string, number> = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0]));
  counts[DOCUMENT_STATUS.completed] = rows.completed;
  const open = rows.documents - rows.completed;
  if (open > 0) {
    for await (const wf of deps.client.workflow.list({
      query: `DocketBatchId = '${batchId.replace(/'/g, '')}' AND ExecutionStatus = 'Running'`,
    })) {
      const status = (wf.searchAttributes['DocketStatus'] as string[] | undefined)?.[0] ?? DOCUMENT_STATUS.classifying;
      counts[status] = (counts[status] ?? 0) + 1;
    }
  }
  const known = Object.values(counts).reduce((a, b) => a + b, 0);
  if (known < rows.documents)
    counts[DOCUMENT_STATUS.classifying] = (counts[DOCUMENT_STATUS.classifying] ?? 0) + rows.documents - known;
  return { batchId, documents: rows.documents, counts, calls: rows.calls, costUsd: rows.costUsd };
}

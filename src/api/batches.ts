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
): Promise<{ batchId: string; documents: number }> {
  if (body.documents.length > deps.config.api.maxBatchDocuments) {
    throw new HttpError(
      'payload_too_large',
      `the batch has ${body.documents.length} documents; the limit is ${deps.config.api.maxBatchDocuments} (DOCKET_MAX_BATCH_DOCUMENTS): split it`,
    );
  }
  body.documents.forEach((d) => checkDocument(deps.config, { ...d, taxonomy: body.taxonomy }));
  const batchId = `batch-${randomUUID()}`;
  let next = 0;
  const startOne = async (): Promise<void> => {
    while (next < body.documents.length) {
      const doc = body.documents[next++];
      if (doc) await submitDocument(deps, { ...doc, taxonomy: body.taxonomy, batchId });
    }
  };
  await Promise.all(Array.from({ length: START_CONCURRENCY }, startOne));
  return { batchId, documents: body.documents.length };
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
  if (known < rows.documents) counts[DOCUMENT_STATUS.classifying] = (counts[DOCUMENT_STATUS.classifying] ?? 0) + rows.documents - known;
  return { batchId, documents: rows.documents, counts, calls: rows.calls, costUsd: rows.costUsd };
}


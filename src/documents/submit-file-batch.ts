import { randomUUID } from 'node:crypto';
import { insertFileBatch } from '../db/file-batches.js';
import type { DocketMode } from '../shared/batch-api.js';
import { batchWindow } from './batch.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, InvalidInputError, TooLargeError } from './errors.js';
import { routeDocument } from './routing.js';
import type { BatchAccepted } from './schemas.js';
import { prepareFile } from './submit-file.js';
import { resolveTaxonomy, startHoldMs } from './submit.js';
import { batchStart, startOwedWorkflow } from './workflow-start.js';

/** A batch of files as a caller submits it: each file becomes a document; the metadata applies to all. */
export interface SubmitFileBatch {
  files: { bytes: Uint8Array; fileName?: string }[];
  metadata?: Record<string, unknown>;
  taxonomy?: string;
  /** How the documents' model calls are made. @default DOCKET_DEFAULT_MODE */
  mode?: DocketMode;
}

/**
 * Accepts a batch of files like a batch of texts (`submitBatch`): every file is checked first (size, type: one bad
 * file refuses the whole request, naming it), then all are stored in one transaction with the start of their
 * `classifyBatchWorkflow`, whose documents start with `fromFile: true` so that each file's text is extracted before
 * it is classified. Each id is derived from the file's content, so the same file again is the same document.
 */
export async function submitFileBatch(deps: ServiceDeps, batch: SubmitFileBatch): Promise<BatchAccepted> {
  const limit = deps.config.api.maxBatchDocuments;
  if (batch.files.length === 0) throw new InvalidInputError('the batch has no file: send one or more parts named file');
  if (batch.files.length > limit) {
    throw new TooLargeError(
      `the batch has ${batch.files.length} files; the limit is ${limit} (DOCKET_MAX_BATCH_DOCUMENTS): split it`,
    );
  }
  const taxonomy = resolveTaxonomy(deps.config, batch.taxonomy);
  const prepared = [];
  for (const file of batch.files) prepared.push(await prepareFile(deps.config, file, taxonomy));
  const route = await routeDocument(deps.pool, deps.config, taxonomy, batch.mode);
  const batchId = randomUUID();
  const start = batchStart({
    batchId,
    total: prepared.length,
    window: batchWindow(deps.config, route.document),
    document: { ...route.document, fromFile: true },
    ...(route.canary ? { canary: route.canary } : {}),
  });
  const metadata = batch.metadata ?? {};
  const { conflicts } = await insertFileBatch(
    deps.pool,
    { id: batchId, taxonomy: taxonomy.name },
    prepared.map((file) => ({ ...file, metadata })),
    { start, holdMs: startHoldMs(deps) },
  );
  if (conflicts.length > 0) {
    throw new ConflictError(`documents ${conflicts.slice(0, 5).join(', ')} already exist with other content`);
  }
  const accepted = { batchId, documents: prepared.length, ids: prepared.map((f) => f.id) };
  const outcome = await startOwedWorkflow(deps, start, deps.config.submission.startTimeoutMs);
  if (outcome.started) return accepted;
  deps.logger?.warn({ batchId, error: outcome.error }, 'Temporal did not accept the batch start; batch queued');
  return { ...accepted, queued: true };
}

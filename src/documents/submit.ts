import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { DocketMode } from '../shared/batch-api.js';
import { getClassification } from '../db/classifications.js';
import { insertDocument } from '../db/queries.js';
import { getWorkflowStart, markWorkflowStarted, type WorkflowStart } from '../db/workflow-starts.js';
import { applyVariant } from '../shared/split.js';
import { DOCUMENT_STATUS, type DocumentStatus } from '../shared/status.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import type { ClassifyDocumentInput } from '../shared/workflow-types.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, InvalidInputError, TooLargeError } from './errors.js';
import { routeDocument } from './routing.js';
import { documentStatus, QUEUED_STAGE } from './status.js';
import { documentStart, startOwedWorkflow } from './workflow-start.js';

/** A document as a caller submits it. */
export interface SubmitDocument {
  id?: string;
  text: string;
  metadata?: Record<string, unknown>;
  taxonomy?: string;
  batchId?: string;
  /** How the model is called. @default DOCKET_DEFAULT_MODE */
  mode?: DocketMode;
}

/** What a submission answers: the document's id and where it stands. */
export interface Submitted {
  id: string;
  status: DocumentStatus;
  /** `queued` when Temporal did not accept the start in time: a worker's reconciler starts it. */
  stage?: string;
  /** Whether this submission stored the document (false: it was stored before). */
  created: boolean;
}

/** Added to the start timeout before the reconciler may take a submission's start over, ms. */
export const START_HOLD_MARGIN_MS = 2_000;

/** The SHA-256 of a document's text: the same text is the same document. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The id of a document submitted without one: the same content under the same taxonomy gets the same id. */
export function derivedDocumentId(text: string, taxonomy: string): string {
  return `doc-${createHash('sha256').update(`${taxonomy}\0${text}`, 'utf8').digest('hex').slice(0, 32)}`;
}

/** The configured taxonomy of that name (`default` when unnamed); an unknown name is invalid input. */
export function resolveTaxonomy(config: Config, name: string | undefined): Taxonomy {
  const wanted = name ?? 'default';
  const taxonomy = config.taxonomies.find((t) => t.name === wanted);
  if (!taxonomy) {
    throw new InvalidInputError(
      `unknown taxonomy "${wanted}": use one of ${config.taxonomies.map((t) => t.name).join(', ')} (configure more in DOCKET_TAXONOMIES)`,
    );
  }
  return taxonomy;
}

/** A document that passed {@link checkDocument}: its taxonomy, its id and the hash of its text. */
export interface CheckedDocument {
  taxonomy: Taxonomy;
  id: string;
  hash: string;
}

/** Checks one document against the limits before anything is stored. */
export function checkDocument(config: Config, doc: SubmitDocument): CheckedDocument {
  const bytes = Buffer.byteLength(doc.text, 'utf8');
  if (bytes > config.api.maxDocumentBytes) {
    throw new TooLargeError(
      `document${doc.id ? ` ${doc.id}` : ''} is ${bytes} bytes; the limit is ${config.api.maxDocumentBytes} (DOCKET_MAX_DOCUMENT_BYTES)`,
    );
  }
  const taxonomy = resolveTaxonomy(config, doc.taxonomy);
  return { taxonomy, id: doc.id ?? derivedDocumentId(doc.text, taxonomy.name), hash: contentHash(doc.text) };
}

/**
 * The input of a document's workflow: routed now (canary included), fixed for the workflow's life. `fromFile`: the
 * document was submitted as a file, whose text the workflow extracts first.
 */
export async function documentInput(
  deps: ServiceDeps,
  documentId: string,
  taxonomy: Taxonomy,
  options: { batchId?: string; fromFile?: boolean; mode?: DocketMode } = {},
): Promise<ClassifyDocumentInput> {
  const route = await routeDocument(deps.pool, deps.config, taxonomy, options.mode);
  return {
    ...applyVariant(route.document, documentId, route.canary),
    documentId,
    ...(options.batchId ? { batchId: options.batchId } : {}),
    ...(options.fromFile ? { fromFile: true } : {}),
  };
}

/**
 * Starts (or finds) a document's workflow now, outside the outbox; throws when Temporal does not accept it.
 * Starting twice is idempotent: the workflow ID is the document's.
 */
export async function startDocumentWorkflow(
  deps: ServiceDeps,
  documentId: string,
  taxonomy: Taxonomy,
  batchId?: string,
): Promise<void> {
  const start = documentStart(await documentInput(deps, documentId, taxonomy, { batchId }));
  const outcome = await startOwedWorkflow(deps, start, deps.config.submission.startTimeoutMs);
  if (!outcome.started) throw new Error(`could not start ${start.workflowId}: ${outcome.error}`);
}

/**
 * Stores a document and starts its classification. The same id and text again is the same document (no new
 * LLM call); the same id with other text is a conflict.
 *
 * The document and the start it is owed are committed together; the start is then tried for at most
 * DOCKET_WORKFLOW_START_TIMEOUT. When Temporal does not accept it, the submission still succeeds: the document is
 * accepted and queued, and a worker's reconciler starts it once Temporal answers. (Failing would have to take back a
 * document that may already have been accepted, e.g. by an identical earlier submission.)
 */
export async function submitDocument(deps: ServiceDeps, doc: SubmitDocument): Promise<Submitted> {
  const { taxonomy, id, hash } = checkDocument(deps.config, doc);
  const start = documentStart(await documentInput(deps, id, taxonomy, { batchId: doc.batchId, mode: doc.mode }));
  const { row, created } = await insertDocument(
    deps.pool,
    {
      id,
      contentHash: hash,
      text: doc.text,
      metadata: doc.metadata ?? {},
      taxonomy: taxonomy.name,
      batchId: doc.batchId,
    },
    // The reconciler keeps off while this request makes its own attempt.
    { start, holdMs: startHoldMs(deps) },
  );
  if (row.contentHash !== hash) {
    throw new ConflictError(`document ${id} already exists with different text; submit it under a new id`);
  }
  if (row.taxonomy !== taxonomy.name) {
    throw new ConflictError(`document ${id} already exists under taxonomy "${row.taxonomy}"`);
  }
  return startStoredDocument(deps, id, start, created);
}

/** The hold that keeps the reconciler off while a submission makes its own start attempt, ms. */
export function startHoldMs(deps: ServiceDeps): number {
  return deps.config.submission.startTimeoutMs + START_HOLD_MARGIN_MS;
}

/**
 * The end of a submission, text or file, once its document is stored with the start it is owed: nothing when it is
 * decided already; else the start recorded the first time (a resubmission starts what was owed then), tried now.
 * Temporal not accepting it in time leaves the document accepted and queued for the reconciler.
 */
export async function startStoredDocument(
  deps: ServiceDeps,
  id: string,
  start: WorkflowStart,
  created: boolean,
): Promise<Submitted> {
  if (await getClassification(deps.pool, id)) {
    // Decided already: nothing is owed (a document stored before the outbox gets its row only now).
    await markWorkflowStarted(deps.pool, start.workflowId);
    return { id, status: DOCUMENT_STATUS.completed, created };
  }
  // A resubmission starts the input recorded the first time.
  const owed = (await getWorkflowStart(deps.pool, start.workflowId)) ?? start;
  const outcome = await startOwedWorkflow(deps, owed, deps.config.submission.startTimeoutMs);
  if (!outcome.started) {
    deps.logger?.warn({ documentId: id, error: outcome.error }, 'Temporal did not accept the start; document queued');
    return { id, status: DOCUMENT_STATUS.classifying, stage: QUEUED_STAGE, created };
  }
  return { id, status: await documentStatus(deps, id), created };
}

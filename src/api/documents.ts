import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import {
  documentCallSummary,
  getClassification,
  getDocument,
  insertDocument,
  type ClassificationRow,
} from '../db/queries.js';
import { statusQuery } from '../shared/messages.js';
import { getWorkflowStart, isDocumentStartPending, isInBatch, markWorkflowStarted } from '../db/workflow-starts.js';
import { documentStart, startOwedWorkflow } from '../documents/workflow-start.js';
import type { Logger } from '../logger.js';
import { documentWorkflowId } from '../shared/names.js';
import { SA } from '../shared/search-attributes.js';
import { DOCUMENT_STATUS, type DocumentStatus } from '../shared/status.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import type { ClassifyDocumentInput, DocumentProgress } from '../shared/workflow-types.js';
import { HttpError } from './http-error.js';
import { routeDocument } from './routing.js';
import { applyVariant } from '../shared/split.js';

export interface ServiceDeps {
  pool: Pool;
  client: Client;
  config: Config;
  /** Where a queued start is reported; unset: not reported. */
  logger?: Logger;
}

export interface SubmitDocument {
  id?: string;
  text: string;
  metadata?: Record<string, unknown>;
  taxonomy?: string;
  batchId?: string;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The id of a document submitted without one: the same content under the same taxonomy gets the same id. */
export function derivedDocumentId(text: string, taxonomy: string): string {
  return `doc-${createHash('sha256').update(`${taxonomy}\0${text}`, 'utf8').digest('hex').slice(0, 32)}`;
}

export function resolveTaxonomy(config: Config, name: string | undefined): Taxonomy {
  const wanted = name ?? 'default';
  const taxonomy = config.taxonomies.find((t) => t.name === wanted);
  if (!taxonomy) {
    throw new HttpError(
      'bad_request',
      `unknown taxonomy "${wanted}": use one of ${config.taxonomies.map((t) => t.name).join(', ')} (configure more in DOCKET_TAXONOMIES)`,
    );
  }
  return taxonomy;
}

/** Checks one document against the limits before anything is stored. */
export function checkDocument(config: Config, doc: SubmitDocument): { taxonomy: Taxonomy; id: string; hash: string } {
  const bytes = Buffer.byteLength(doc.text, 'utf8');
  if (bytes > config.api.maxDocumentBytes) {
    throw new HttpError(
      'payload_too_large',
      `document${doc.id ? ` ${doc.id}` : ''} is ${bytes} bytes; the limit is ${config.api.maxDocumentBytes} (DOCKET_MAX_DOCUMENT_BYTES)`,
    );
  }
  const taxonomy = resolveTaxonomy(config, doc.taxonomy);
  return { taxonomy, id: doc.id ?? derivedDocumentId(doc.text, taxonomy.name), hash: contentHash(doc.text) };
}

/** The input of a document's workflow: routed now (canary included), fixed for the workflow's life. */
async function documentInput(
  deps: ServiceDeps,
  documentId: string,
  taxonomy: Taxonomy,
  batchId?: string,
): Promise<ClassifyDocumentInput> {
  const route = await routeDocument(deps.pool, deps.config, taxonomy);
  return {
    ...applyVariant(route.document, documentId, route.canary),
    documentId,
    ...(batchId ? { batchId } : {}),
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
  const start = documentStart(await documentInput(deps, documentId, taxonomy, batchId));
  const outcome = await startOwedWorkflow(deps, start, deps.config.submission.startTimeoutMs);
  if (!outcome.started) throw new Error(`could not start ${start.workflowId}: ${outcome.error}`);
}

/**
 * Stores a document and starts its classification. The same id and text again is the same document (no new
 * LLM call); the same id with other text is a 409.
 *
 * The document and the start it is owed are committed together; the start is then tried for at most
 * DOCKET_WORKFLOW_START_TIMEOUT. When Temporal does not accept it, the answer is still 202: the document is
 * accepted and queued, and a worker's reconciler starts it once Temporal answers. (A 503 would have to take back a
 * document that may already have been accepted, e.g. by an identical earlier submission.)
 */
export async function submitDocument(
  deps: ServiceDeps,
  doc: SubmitDocument,
): Promise<{ id: string; status: DocumentStatus; stage?: string; created: boolean }> {
  const { taxonomy, id, hash } = checkDocument(deps.config, doc);
  const start = documentStart(await documentInput(deps, id, taxonomy, doc.batchId));
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
    { start, holdMs: deps.config.submission.startTimeoutMs + START_HOLD_MARGIN_MS },
  );
  if (row.contentHash !== hash) {
    throw new HttpError('conflict', `document ${id} already exists with different text; submit it under a new id`);
  }
  if (row.taxonomy !== taxonomy.name) {
    throw new HttpError('conflict', `document ${id} already exists under taxonomy "${row.taxonomy}"`);
  }
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

/** Stage of a document whose workflow is owed a start: the reconciler (or its batch) will start it. */
export const QUEUED_STAGE = 'queued';
/** Added to the start timeout before the reconciler may take a submission's start over, ms. */
const START_HOLD_MARGIN_MS = 2_000;
/** How long a status read waits for Temporal, ms. */
const DESCRIBE_TIMEOUT_MS = 2_000;

/** Where a document without a stored result stands: its workflow's status, or why it has none (yet). */
async function liveStatus(deps: ServiceDeps, id: string): Promise<{ status: DocumentStatus; stage?: string }> {
  // Owed a start: answered from the database alone, so it holds while Temporal is down.
  if (await isDocumentStartPending(deps.pool, id)) return { status: DOCUMENT_STATUS.classifying, stage: QUEUED_STAGE };
  try {
    const description = await deps.client.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
      deps.client.workflow.getHandle(documentWorkflowId(id)).describe(),
    );
    return { status: workflowStatus(description.status.name, description.typedSearchAttributes.get(SA.status)) };
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) {
      throw new HttpError(
        'unavailable',
        `Temporal did not answer within ${DESCRIBE_TIMEOUT_MS / 1000} s, so the status of document ${id} is unknown for now; retry later (GET /healthz names what is down)`,
      );
    }
  }
  // A batch starts its documents' children as its window makes room.
  if (await isInBatch(deps.pool, id)) return { status: DOCUMENT_STATUS.classifying, stage: QUEUED_STAGE };
  // Started once, yet no workflow and no result: nobody is working on it, and saying `classifying` would be a lie.
  return { status: DOCUMENT_STATUS.failed, stage: NO_WORKFLOW_STAGE };
}

/** Stage of a document whose workflow no longer exists (deleted, or past retention) and that has no result. */
export const NO_WORKFLOW_STAGE = 'workflow_missing';

async function documentStatus(deps: ServiceDeps, id: string): Promise<DocumentStatus> {
  if (await getClassification(deps.pool, id)) return DOCUMENT_STATUS.completed;
  try {
    return (await liveStatus(deps, id)).status;
  } catch {
    // The start was just accepted; a status read that times out must not turn the 202 into an error.
    return DOCUMENT_STATUS.classifying;
  }
}

function workflowStatus(execution: string, attribute: string | undefined): DocumentStatus {
  if (execution === 'FAILED' || execution === 'TERMINATED' || execution === 'TIMED_OUT' || execution === 'CANCELLED') {
    return DOCUMENT_STATUS.failed;
  }
  return (attribute as DocumentStatus | undefined) ?? DOCUMENT_STATUS.classifying;
}

export interface DocumentView {
  id: string;
  status: DocumentStatus;
  /** Why a document without a workflow has none: `queued` (owed a start) or `workflow_missing`. */
  stage?: string;
  taxonomy: string;
  result?: {
    category: string;
    confidence: number;
    reasoning: string;
    decidedBy: 'model' | 'human';
    reviewer?: string;
    note?: string;
    unreviewed?: boolean;
    model: string;
    promptVersion: string;
    /** Injection signals found in the document, when any. */
    suspiciousInstructions?: string[];
  };
  review?: {
    reason: string;
    suggestion?: { category: string; confidence: number; reasoning: string };
    suspiciousInstructions?: string[];
  };
  pause?: { reason: string; lastError?: string };
  calls: number;
  costUsd: number;
  workflowUrl: string;
}

/** What `GET /v1/documents/:id` shows: the stored result, or the workflow's live state. */
export async function getDocumentView(deps: ServiceDeps, id: string): Promise<DocumentView> {
  const doc = await getDocument(deps.pool, id);
  if (!doc) throw new HttpError('not_found', `no document with id ${id}`);
  const [classification, summary] = await Promise.all([
    getClassification(deps.pool, id),
    documentCallSummary(deps.pool, id),
  ]);
  const workflowId = documentWorkflowId(id);
  const view: DocumentView = {
    id,
    status: DOCUMENT_STATUS.classifying,
    taxonomy: doc.taxonomy,
    calls: summary.calls,
    costUsd: summary.costUsd,
    workflowUrl: `${deps.config.webUiUrl}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`,
  };
  if (classification) return { ...view, status: DOCUMENT_STATUS.completed, result: resultView(classification) };
  const live = await liveStatus(deps, id);
  view.status = live.status;
  if (live.stage) view.stage = live.stage;
  if (view.status === DOCUMENT_STATUS.completed) {
    // The result was stored between the two reads: show it, never `completed` without a result.
    const stored = await getClassification(deps.pool, id);
    if (stored) return { ...view, result: resultView(stored) };
  }
  if (view.status === DOCUMENT_STATUS.pendingReview || view.status === DOCUMENT_STATUS.paused) {
    const progress = await queryProgress(deps, id);
    if (view.status === DOCUMENT_STATUS.pendingReview) {
      view.review = {
        reason: progress?.reviewReason ?? 'unknown',
        ...(progress?.suggestion ? { suggestion: progress.suggestion } : {}),
        ...(progress?.suspiciousInstructions ? { suspiciousInstructions: progress.suspiciousInstructions } : {}),
      };
    } else {
      view.pause = {
        reason: progress?.pauseReason ?? 'unknown',
        ...(progress?.lastErrorMessage ? { lastError: progress.lastErrorMessage } : {}),
      };
    }
  }
  return view;
}

function resultView(classification: ClassificationRow): NonNullable<DocumentView['result']> {
  return {
    category: classification.category,
    confidence: classification.confidence,
    reasoning: classification.reasoning,
    decidedBy: classification.decidedBy,
    ...(classification.reviewer ? { reviewer: classification.reviewer } : {}),
    ...(classification.reviewNote ? { note: classification.reviewNote } : {}),
    ...(classification.unreviewed ? { unreviewed: true } : {}),
    model: classification.model,
    promptVersion: classification.promptVersion,
    ...(classification.suspiciousInstructions?.length
      ? { suspiciousInstructions: classification.suspiciousInstructions }
      : {}),
  };
}

/** The workflow's `status` query; undefined when no worker answers. */
export async function queryProgress(deps: ServiceDeps, id: string): Promise<DocumentProgress | undefined> {
  try {
    return await deps.client.workflow.getHandle(documentWorkflowId(id)).query(statusQuery);
  } catch {
    return undefined;
  }
}

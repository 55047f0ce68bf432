import { getClassification, readResultVersions } from '../db/classifications.js';
import { getDocumentFileInfo, getExtraction } from '../db/document-files.js';
import type { Pool } from '../db/pool.js';
import { documentCallSummary, getDocument } from '../db/queries.js';
import { statusQuery } from '../shared/messages.js';
import { documentWorkflowId } from '../shared/names.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { DocumentProgress } from '../shared/workflow-types.js';
import type { ServiceDeps } from './deps.js';
import { NotFoundError } from './errors.js';
import { liveStatus } from './status.js';
import { resultSchema, type DocumentView, type ResultVersionView } from './schemas.js';
import { workflowUrl } from './web-ui.js';

/** What `GET /v1/documents/:id` shows: the stored result, or the workflow's live state. */
export async function getDocumentView(deps: ServiceDeps, id: string): Promise<DocumentView> {
  const doc = await getDocument(deps.pool, id);
  if (!doc) throw new NotFoundError(`no document with id ${id}`);
  const [classification, summary, file] = await Promise.all([
    getClassification(deps.pool, id),
    documentCallSummary(deps.pool, id),
    fileDetails(deps.pool, id),
  ]);
  const view: DocumentView = {
    id,
    status: DOCUMENT_STATUS.classifying,
    taxonomy: doc.taxonomy,
    ...file,
    calls: summary.calls,
    costUsd: summary.costUsd,
    workflowUrl: workflowUrl(deps.config, documentWorkflowId(id)),
  };
  if (classification) {
    const history = await resultHistory(deps, id, classification.version);
    return {
      ...view,
      status: DOCUMENT_STATUS.completed,
      result: resultSchema.parse(classification.result),
      ...history,
    };
  }
  const live = await liveStatus(deps, id);
  view.status = live.status;
  if (live.stage) view.stage = live.stage;
  if (view.status === DOCUMENT_STATUS.completed) {
    // The result was stored between the two reads: show it, never `completed` without a result.
    const stored = await getClassification(deps.pool, id);
    if (stored) return { ...view, result: resultSchema.parse(stored.result) };
  }
  return { ...view, ...(await waitingDetails(deps, view)) };
}

/**
 * The document's other result versions, oldest first (earlier results, and model answers kept beside a person's
 * decision); nothing when the current one is the only one.
 */
async function resultHistory(
  deps: ServiceDeps,
  id: string,
  currentVersion: number,
): Promise<{ history?: ResultVersionView[] }> {
  const others = (await readResultVersions(deps.pool, id)).filter((v) => v.version !== currentVersion);
  if (others.length === 0) return {};
  return {
    history: others.map((v) => ({
      ...resultSchema.parse(v.result),
      version: v.version,
      decidedAt: v.decidedAt.toISOString(),
    })),
  };
}

/** A file document's file and extraction, from the database (nothing for a text document). */
async function fileDetails(pool: Pool, id: string): Promise<Pick<DocumentView, 'file' | 'extraction'>> {
  const [file, extraction] = await Promise.all([getDocumentFileInfo(pool, id), getExtraction(pool, id)]);
  if (!file) return {};
  return {
    file: {
      ...(file.fileName ? { name: file.fileName } : {}),
      mediaType: file.mediaType,
      bytes: file.sizeBytes,
      contentHash: file.contentHash,
    },
    ...(extraction
      ? {
          extraction: {
            outcome: extraction.outcome,
            ...(extraction.unreadableReason ? { unreadableReason: extraction.unreadableReason } : {}),
            ...(extraction.method ? { method: extraction.method } : {}),
            ...(extraction.extractor ? { extractor: extraction.extractor } : {}),
            ...(extraction.pages !== undefined ? { pages: extraction.pages } : {}),
            chars: extraction.textChars,
            images: extraction.images,
          },
        }
      : {}),
  };
}

/** Why a person or an operator must act, from the workflow's `status` query: the review or the pause. */
async function waitingDetails(deps: ServiceDeps, view: DocumentView): Promise<Pick<DocumentView, 'review' | 'pause'>> {
  if (view.status !== DOCUMENT_STATUS.pendingReview && view.status !== DOCUMENT_STATUS.paused) return {};
  const progress = await queryProgress(deps, view.id);
  if (view.status === DOCUMENT_STATUS.pendingReview) {
    return {
      review: {
        reason: progress?.reviewReason ?? 'unknown',
        ...(progress?.suggestion ? { suggestion: progress.suggestion } : {}),
        ...(progress?.suspiciousInstructions ? { suspiciousInstructions: progress.suspiciousInstructions } : {}),
      },
    };
  }
  return {
    pause: {
      reason: progress?.pauseReason ?? 'unknown',
      ...(progress?.lastErrorMessage ? { lastError: progress.lastErrorMessage } : {}),
    },
  };
}

/** The `status` query of the document's workflow (or of `workflowId`); undefined when no worker answers. */
export async function queryProgress(
  deps: ServiceDeps,
  id: string,
  workflowId = documentWorkflowId(id),
): Promise<DocumentProgress | undefined> {
  try {
    return await deps.client.workflow.getHandle(workflowId).query(statusQuery);
  } catch {
    return undefined;
  }
}

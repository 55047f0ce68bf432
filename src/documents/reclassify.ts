import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import pLimit from 'p-limit';
import {
  getReclassification,
  insertReclassification,
  readReclassifyOutcomes,
  selectDocuments,
  type ReclassifiedDocument,
  type ReclassifySelection,
  type SelectedDocument,
} from '../db/reclassify.js';
import { reclassifyWorkflowId, TASK_QUEUE, WORKFLOW_TYPES } from '../shared/names.js';
import { TASK_PRIORITY } from '../shared/priority.js';
import { SA } from '../shared/search-attributes.js';
import { applyVariant } from '../shared/split.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import type { ClassifyDocumentInput } from '../shared/workflow-types.js';
import type { ServiceDeps } from './deps.js';
import { InvalidInputError, NotFoundError, UnavailableError } from './errors.js';
import { routeDocument } from './routing.js';
import { resolveTaxonomy } from './submit.js';

export type { ReclassifySelection } from '../db/reclassify.js';

/** Documents one reclassification may hold: a larger selection is refused, to be narrowed. */
export const MAX_RECLASSIFY_DOCUMENTS = 10_000;
/** Workflow starts in flight at once while a reclassification starts. */
const START_CONCURRENCY = 8;

/** A reclassification started. */
export interface ReclassifyStarted {
  reclassifyId: string;
  /** Documents selected, each run again by its own workflow. */
  documents: number;
}

/**
 * Runs a selection of classified documents again under the current configuration (prompt, model, canary routing):
 * one `classifyDocumentWorkflow` each, with workflow id `reclassify-<documentId>-<version>` (the version its result
 * will be), in the batch lane (its own fairness key) and paced like every LLM call. Each new result is a new version:
 * the previous one stays queryable, and a model's answer never replaces a person's decision.
 */
export async function startReclassify(
  deps: ServiceDeps,
  selection: ReclassifySelection,
  requestedBy: string,
): Promise<ReclassifyStarted> {
  const { batchId, category, since, until, promptVersion } = selection;
  if ([batchId, category, since, until, promptVersion].every((c) => c === undefined)) {
    throw new InvalidInputError('selection is empty: give batchId, category, since and/or until, or promptVersion');
  }
  const selected = await selectDocuments(deps.pool, selection, MAX_RECLASSIFY_DOCUMENTS + 1);
  if (selected.length > MAX_RECLASSIFY_DOCUMENTS) {
    throw new InvalidInputError(
      `the selection holds more than ${MAX_RECLASSIFY_DOCUMENTS} documents: narrow it (e.g. with since and until)`,
    );
  }
  const inputs = await documentInputs(deps, selected);
  const reclassifyId = randomUUID();
  const documents: ReclassifiedDocument[] = selected.map((d) => ({
    documentId: d.documentId,
    workflowId: reclassifyWorkflowId(d.documentId, d.lastVersion + 1),
    previousVersion: d.version,
    previousCategory: d.category,
  }));
  await insertReclassification(deps.pool, { id: reclassifyId, selection, requestedBy }, documents);
  const limit = pLimit(START_CONCURRENCY);
  const starts = await Promise.allSettled(
    documents.map((d, i) => limit(() => startRun(deps, reclassifyId, d.workflowId, inputs[i]!))),
  );
  const failed = starts.filter((s) => s.status === 'rejected');
  if (failed.length > 0) {
    const reason = String((failed[0]!.reason as Error | undefined)?.message ?? failed[0]!.reason);
    throw new UnavailableError(
      `Temporal did not accept ${failed.length} of ${documents.length} starts (${reason}); send the same selection ` +
        'again: a document whose run already started is not started twice',
    );
  }
  deps.logger?.info({ reclassifyId, documents: documents.length, requestedBy }, 'reclassification started');
  return { reclassifyId, documents: documents.length };
}

/** Each document's workflow input under the current configuration, routed once per taxonomy. */
async function documentInputs(deps: ServiceDeps, selected: SelectedDocument[]): Promise<ClassifyDocumentInput[]> {
  const routes = new Map<string, Awaited<ReturnType<typeof routeDocument>>>();
  const inputs: ClassifyDocumentInput[] = [];
  for (const d of selected) {
    let route = routes.get(d.taxonomy);
    if (!route) {
      route = await routeDocument(deps.pool, deps.config, resolveTaxonomy(deps.config, d.taxonomy));
      routes.set(d.taxonomy, route);
    }
    inputs.push({ ...applyVariant(route.document, d.documentId, route.canary), documentId: d.documentId });
  }
  return inputs;
}

/** Starts one document's run; one already started (the same request retried) counts as started. */
async function startRun(
  deps: ServiceDeps,
  reclassifyId: string,
  workflowId: string,
  input: ClassifyDocumentInput,
): Promise<void> {
  try {
    const deadline = Date.now() + deps.config.submission.startTimeoutMs;
    await deps.client.withDeadline(deadline, () =>
      deps.client.workflow.start(WORKFLOW_TYPES.classifyDocument, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA.status, value: DOCUMENT_STATUS.classifying },
          { key: SA.model, value: input.model },
          { key: SA.promptVersion, value: input.promptVersion },
        ],
        // Backlog work behind documents someone waits for; reclassifications take turns with batches.
        priority: { priorityKey: TASK_PRIORITY.batch, fairnessKey: reclassifyId },
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** A document whose category changed. */
export interface ReclassifyChange {
  id: string;
  from: string;
  to: string;
  decidedBy: 'model' | 'human';
  /** False when the document's current result is a person's decision, kept: the new answer is stored beside it. */
  applied: boolean;
}

/** Where a reclassification stands, and what changed category. */
export interface ReclassifyReport {
  reclassifyId: string;
  selection: Record<string, unknown>;
  requestedBy: string;
  createdAt: string;
  total: number;
  /** Documents whose new result is stored. */
  finished: number;
  /** Documents still running (or waiting for a person). */
  running: number;
  /** Documents whose new result has the category they had. */
  unchanged: number;
  /** Documents whose new result has another category: old → new. */
  changed: ReclassifyChange[];
}

/** The diff of a reclassification so far; not found for an unknown id. */
export async function getReclassifyReport(deps: ServiceDeps, reclassifyId: string): Promise<ReclassifyReport> {
  const row = await getReclassification(deps.pool, reclassifyId);
  if (!row) throw new NotFoundError(`no reclassification with id ${reclassifyId}`);
  const outcomes = await readReclassifyOutcomes(deps.pool, reclassifyId);
  const finished = outcomes.filter((o) => o.newCategory !== undefined);
  const changed = finished.filter((o) => o.newCategory !== o.previousCategory);
  return {
    reclassifyId,
    selection: row.selection,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
    total: outcomes.length,
    finished: finished.length,
    running: outcomes.length - finished.length,
    unchanged: finished.length - changed.length,
    changed: changed.map((o) => ({
      id: o.documentId,
      from: o.previousCategory,
      to: o.newCategory!,
      decidedBy: o.newDecidedBy!,
      applied: o.newIsCurrent === true,
    })),
  };
}

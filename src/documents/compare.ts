import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { insertDocument } from '../db/queries.js';
import { compareWorkflowId, TASK_QUEUE, WORKFLOW_TYPES } from '../shared/names.js';
import { TASK_PRIORITY } from '../shared/priority.js';
import type { Variant } from '../shared/split.js';
import type { CompareResult } from '../shared/compare.js';
import type { CompareInput } from '../shared/workflow-types.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, NotFoundError } from './errors.js';
import { requireKnownPromptVersion } from './prompt-versions.js';
import { defaultVariant } from './routing.js';
import { checkDocument } from './submit.js';

/** One side of a comparison as asked for: what it changes from the configured default. */
export type CompareSideRequest = Partial<Variant>;

/** A comparison as an admin starts one: the same documents through configurations `a` and `b`. */
export interface StartComparison {
  documents: { id?: string; text: string }[];
  taxonomy?: string;
  a: CompareSideRequest;
  b: CompareSideRequest;
}

/** A comparison started: its id, and the configurations it compares. */
export interface ComparisonStarted {
  compareId: string;
  documents: number;
  a: Variant;
  b: Variant;
}

/** Where a comparison stands: running, ended without a result (terminated, timed out…), or done. */
export type ComparisonState =
  { status: 'running' } | { status: 'failed'; reason: string } | { status: 'done'; result: CompareResult };

/**
 * Stores the documents (marked `compare`, no classification of their own) and starts `compareConfigurationsWorkflow`.
 * Invalid input for an unknown prompt version; a conflict when an id is stored with other text.
 */
export async function startComparison(deps: ServiceDeps, request: StartComparison): Promise<ComparisonStarted> {
  const checked = request.documents.map((d) => checkDocument(deps.config, { ...d, taxonomy: request.taxonomy }));
  const taxonomy = checked[0]!.taxonomy;
  const base = defaultVariant(deps.config, taxonomy);
  const resolve = (side: CompareSideRequest): Variant => {
    const chosen = { promptVersion: side.promptVersion ?? base.promptVersion, model: side.model ?? base.model };
    requireKnownPromptVersion(chosen.promptVersion);
    return chosen;
  };
  const [a, b] = [resolve(request.a), resolve(request.b)];
  for (const [i, d] of checked.entries()) {
    const { row } = await insertDocument(deps.pool, {
      id: d.id,
      contentHash: d.hash,
      text: request.documents[i]!.text,
      metadata: { compare: true },
      taxonomy: taxonomy.name,
    });
    if (row.contentHash !== d.hash) throw new ConflictError(`document ${d.id} already exists with different text`);
  }
  const compareId = randomUUID();
  const input: CompareInput = { compareId, documentIds: checked.map((d) => d.id), taxonomy, a, b };
  await deps.client.workflow.start(WORKFLOW_TYPES.compareConfigurations, {
    workflowId: compareWorkflowId(compareId),
    taskQueue: TASK_QUEUE,
    args: [input],
    priority: { priorityKey: TASK_PRIORITY.evaluation },
  });
  return { compareId, documents: checked.length, a, b };
}

/** A comparison's state, with its result once done; not found for an unknown id. */
export async function getComparison(deps: Pick<ServiceDeps, 'client'>, compareId: string): Promise<ComparisonState> {
  const handle = deps.client.workflow.getHandle(compareWorkflowId(compareId));
  try {
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') return { status: 'running' };
    if (description.status.name !== 'COMPLETED')
      return { status: 'failed', reason: description.status.name.toLowerCase() };
    return { status: 'done', result: (await handle.result()) as CompareResult };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError('no comparison with that id');
    throw err;
  }
}

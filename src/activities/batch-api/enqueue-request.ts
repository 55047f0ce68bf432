import type { Logger } from 'pino';
import { getBatchApiRequest, insertBatchApiRequest } from '../../db/batch-api.js';
import { reserveBudget } from '../../db/limits.js';
import { AnswerSchemaCache } from '../../llm/answer-schemas.js';
import { BATCH_TIER_DISCOUNT, worstCaseCostUsd } from '../../llm/pricing.js';
import { loadDocument, loadPrompt, planRequest, type PlannedRequest } from '../llm-call/request.js';
import { attemptScope } from '../llm-call/scope.js';
import type { ClassifyWithLlmInput } from '../llm-call/types.js';
import { recordBudgetEvent } from '../metrics.js';
import { budgetExhausted } from '../spend-guard.js';
import type { BatchApiActivityDeps } from './deps.js';
import { tellQueue } from './notify.js';

/** Input of `enqueueBatchApiRequest`: the same as a realtime call's, and the line's custom_id. */
export type EnqueueBatchApiRequestInput = ClassifyWithLlmInput & { customId: string };

export interface EnqueueBatchApiRequestResult {
  customId: string;
  promptHash: string;
  estimatedTokens: number;
}

/**
 * Builds the document's request exactly as a realtime call would (same prompt, same pre-flight check: a document too
 * long for the model fails here, before anything is queued), stores it, and tells the model's queue, starting the
 * queue's workflow when none runs. Retried, it stores nothing twice; the queue may hear twice, which only makes it
 * look for queued requests once more.
 */
export function createEnqueueBatchApiRequest(deps: BatchApiActivityDeps) {
  const schemas = new AnswerSchemaCache();
  return async function enqueueBatchApiRequest(
    input: EnqueueBatchApiRequestInput,
  ): Promise<EnqueueBatchApiRequestResult> {
    const scope = attemptScope(deps, input, { waitedMs: 0 });
    const document = await loadDocument(deps.pool, input.documentId);
    const prompt = loadPrompt(input.promptVersion);
    const plan = planRequest(scope, { document, prompt, schemas: schemas.of(input.taxonomy) });
    const body = JSON.stringify(plan.request);
    const budget = await reserveBudgetOnce(deps, scope.log, input, plan);
    await insertBatchApiRequest(deps.pool, {
      customId: input.customId,
      documentId: input.documentId,
      workflowId: scope.workflowId,
      model: input.model,
      purpose: input.purpose ?? (input.repair ? 'repair' : 'classify'),
      promptVersion: input.promptVersion,
      promptHash: prompt.hash,
      taxonomy: input.taxonomy.name,
      variant: input.variant ?? null,
      body: plan.request,
      estimatedTokens: plan.promptTokens,
      // The line adds its custom_id, method and url around the body.
      bytes: Buffer.byteLength(body, 'utf8') + 100,
      ...(budget ? { budget } : {}),
    });
    await tellQueue(
      deps.client,
      { model: input.model, settings: deps.batchApi },
      { requests: 1, tokens: plan.promptTokens },
    );
    scope.log.info({ customId: input.customId, promptTokens: plan.promptTokens }, 'request queued for the Batch API');
    return { customId: input.customId, promptHash: prompt.hash, estimatedTokens: plan.promptTokens };
  };
}

/**
 * Reserves the request's worst-case cost at the Batch API price against DOCKET_DAILY_BUDGET_USD before it is queued,
 * as a realtime call does before it is sent: over the budget, the document pauses (`DocketBudgetExhausted`) and
 * nothing is queued. A request already stored (this activity retried) keeps the reservation it has. The collection
 * replaces the reservation by the line's real cost; a request withdrawn before any job gives it back.
 */
async function reserveBudgetOnce(
  deps: BatchApiActivityDeps,
  log: Logger,
  input: EnqueueBatchApiRequestInput,
  plan: PlannedRequest,
): Promise<{ day: string; reservedUsd: number } | undefined> {
  const budget = deps.dailyBudgetUsd;
  if (budget === undefined) return undefined;
  const stored = await getBatchApiRequest(deps.pool, input.customId);
  if (stored) return stored.budget;
  const reservedUsd = worstCaseCostUsd(input.model, plan.promptTokens, plan.maxOutputTokens) * BATCH_TIER_DISCOUNT;
  const state = await reserveBudget(deps.pool, budget, reservedUsd);
  if (!state) throw budgetExhausted({ logger: log, onBudgetEvent: recordBudgetEvent }, budget, reservedUsd);
  return { day: state.day, reservedUsd };
}

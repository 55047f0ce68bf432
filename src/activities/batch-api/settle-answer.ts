import { ApplicationFailure } from '@temporalio/activity';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { batchApiCallKey, getAnswerLine, judgeBatchApiCall } from '../../db/batch-api.js';
import { AnswerSchemaCache } from '../../llm/answer-schemas.js';
import { answerUsage, judgeAnswer, type AnswerVerdict } from '../../llm/answer.js';
import { priceUsage } from '../../llm/pricing.js';
import { ERROR_TYPES, ERROR_TYPE_CLASS } from '../../shared/errors.js';
import { conclude } from '../classify-with-llm.js';
import { loadDocument, loadPrompt } from '../llm-call/request.js';
import { attemptScope } from '../llm-call/scope.js';
import type { ClassifyWithLlmResult } from '../llm-call/types.js';
import type { BatchApiActivityDeps } from './deps.js';
import type { EnqueueBatchApiRequestInput } from './enqueue-request.js';
import { lineFailure } from './collect.js';

/**
 * Judges the line that answered a batch-mode document's request exactly as a realtime answer is judged (the same
 * validation, refusal and injection checks, the same result), and records the verdict on the line's ledger row. A
 * refused line fails with its type in the error taxonomy, never retried here: the workflow decides (re-queue,
 * realtime, review or pause).
 */
export function createSettleBatchApiAnswer(deps: BatchApiActivityDeps) {
  const schemas = new AnswerSchemaCache();
  return async function settleBatchApiAnswer(input: EnqueueBatchApiRequestInput): Promise<ClassifyWithLlmResult> {
    const scope = attemptScope(deps, input, { waitedMs: 0 });
    const line = await getAnswerLine(deps.pool, input.customId);
    if (!line) {
      throw ApplicationFailure.create({
        type: ERROR_TYPES.documentNotFound,
        message: `no Batch API line is stored for ${input.customId}`,
        nonRetryable: true,
      });
    }
    const callKey = batchApiCallKey(line.providerJobId, line.customId);
    if (line.statusCode !== 200) {
      const mapped = lineFailure(line);
      const type = mapped?.type ?? ERROR_TYPES.serverError;
      scope.log.warn({ customId: input.customId, errorType: type, status: line.statusCode }, 'Batch API line refused');
      throw ApplicationFailure.create({
        type,
        message: `Batch API line: ${mapped?.message ?? `status ${line.statusCode}`}`,
        nonRetryable: true,
        details: [{ errorClass: ERROR_TYPE_CLASS[type], status: line.statusCode, code: mapped?.code }],
      });
    }
    const completion = line.response as ChatCompletion;
    const verdict = judgeAnswer(completion, schemas.of(input.taxonomy).output);
    await judgeBatchApiCall(deps.pool, callKey, ledgerVerdict(verdict));
    const usage = answerUsage(completion);
    const answer = {
      completion,
      requestId: line.requestId ?? null,
      latencyMs: 0,
      usage,
      ...priceUsage(input.model, usage, 'batch'),
    };
    const document = await loadDocument(deps.pool, input.documentId);
    return conclude(scope, { verdict, answer, prompt: loadPrompt(input.promptVersion), document });
  };
}

/** The ledger columns of a judged answer (a realtime call writes the same from `ledgerRow`). */
function ledgerVerdict(verdict: AnswerVerdict) {
  switch (verdict.kind) {
    case 'withheld':
      return {
        outcome: 'error' as const,
        errorClass: ERROR_TYPE_CLASS[ERROR_TYPES.contentFiltered],
        errorType: ERROR_TYPES.contentFiltered,
        parseOk: false,
      };
    case 'invalid':
      return { outcome: 'invalid_output' as const, errorClass: 'output', errorType: 'invalid_output', parseOk: false };
    case 'valid':
      return {
        outcome: 'ok' as const,
        errorClass: null,
        errorType: null,
        parseOk: true,
        confidence: verdict.output.confidence,
      };
  }
}

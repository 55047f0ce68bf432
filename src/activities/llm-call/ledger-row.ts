import type { LlmCallRow } from '../../db/queries.js';
import { finishReason, type AnswerVerdict } from '../../llm/answer.js';
import type { MappedFailure } from '../../llm/provider-errors/index.js';
import { ERROR_TYPE_CLASS, ERROR_TYPES } from '../../shared/errors.js';
import type { ReceivedAnswer } from './provider-call.js';
import type { AttemptScope } from './scope.js';

/** A call's row before its outcome is known. */
export type StartedCall = Omit<LlmCallRow, 'latencyMs' | 'outcome'>;

/** How a call ended, as the ledger records it. */
export type CallOutcome =
  /** Cancelled by Temporal: the HTTP request was aborted. It is still a call in the ledger. */
  | { kind: 'cancelled'; latencyMs: number }
  /** No answer: the provider refused the request, or the way to it failed. */
  | { kind: 'failed'; latencyMs: number; failure: MappedFailure; outage: boolean }
  /** An answer (HTTP 200), judged. */
  | { kind: 'answered'; answer: ReceivedAnswer; verdict: AnswerVerdict };

/** The row of the attempt in `scope`, as written before the request: no tokens, no cost, no outcome yet. */
export function startedRow(
  scope: Pick<AttemptScope, 'callKey' | 'workflowId' | 'runId' | 'attempt' | 'input'>,
  promptHash: string,
  startedAt = new Date(),
): StartedCall {
  const { input } = scope;
  return {
    callKey: scope.callKey,
    documentId: input.documentId,
    workflowId: scope.workflowId,
    runId: scope.runId,
    activityAttempt: scope.attempt,
    purpose: input.purpose ?? (input.repair ? 'repair' : 'classify'),
    model: input.model,
    promptVersion: input.promptVersion,
    promptHash,
    variant: input.variant ?? null,
    taxonomy: input.taxonomy.name,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    costUsd: null,
    priced: false,
    httpStatus: null,
    errorClass: null,
    errorType: null,
    finishReason: null,
    parseOk: null,
    requestId: null,
    startedAt,
  };
}

/** The completed row of a call: the one place that turns an outcome into ledger columns. */
export function ledgerRow(started: StartedCall, outcome: CallOutcome): LlmCallRow {
  switch (outcome.kind) {
    case 'cancelled':
      return { ...unanswered(started, outcome.latencyMs), errorType: 'cancelled' };
    case 'failed': {
      const { failure } = outcome;
      return {
        ...unanswered(started, outcome.latencyMs),
        httpStatus: failure.status ?? null,
        errorClass: failure.errorClass,
        errorType: failure.type,
        requestId: failure.requestId ?? null,
        outage: outcome.outage,
      };
    }
    case 'answered':
      return answeredRow(started, outcome.answer, outcome.verdict);
  }
}

/** A call that got no answer. It consumed no tokens: it is priced, at exactly nothing. */
function unanswered(started: StartedCall, latencyMs: number): LlmCallRow {
  return { ...started, costUsd: 0, priced: true, latencyMs, outcome: 'error' };
}

function answeredRow(started: StartedCall, answer: ReceivedAnswer, verdict: AnswerVerdict): LlmCallRow {
  const answered = {
    ...started,
    ...answer.usage,
    costUsd: answer.costUsd,
    priced: answer.priced,
    latencyMs: answer.latencyMs,
    httpStatus: 200,
    finishReason: finishReason(answer.completion),
    requestId: answer.requestId,
  };
  switch (verdict.kind) {
    case 'withheld': {
      const type = ERROR_TYPES.contentFiltered;
      return { ...answered, outcome: 'error', errorClass: ERROR_TYPE_CLASS[type], errorType: type, parseOk: false };
    }
    case 'invalid':
      return {
        ...answered,
        outcome: 'invalid_output',
        errorClass: 'output',
        errorType: 'invalid_output',
        parseOk: false,
      };
    case 'valid':
      return { ...answered, outcome: 'ok', parseOk: true, confidence: verdict.output.confidence };
  }
}

/** What `samples` keeps as the call's response: the answer, or the failure (never its headers); none when cancelled. */
export function sampledResponse(outcome: CallOutcome): unknown {
  switch (outcome.kind) {
    case 'cancelled':
      return undefined;
    case 'failed':
      return { error: outcome.failure.message, status: outcome.failure.status, code: outcome.failure.code };
    case 'answered':
      return outcome.answer.completion;
  }
}

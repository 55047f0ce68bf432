import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import type { DocumentRow } from '../db/queries.js';
import { AnswerSchemaCache, type AnswerSchemas } from '../llm/answer-schemas.js';
import { finishReason, judgeAnswer, type AnswerVerdict } from '../llm/answer.js';
import type { PromptTemplate } from '../llm/prompts.js';
import { ERROR_TYPES } from '../shared/errors.js';
import { isInfrastructureError } from '../shared/infrastructure-errors.js';
import { infrastructureFailure } from './infrastructure.js';
import { admitCall, openLedger, settleAnswer } from './llm-call/admission.js';
import { feedCanary, flagInjection } from './llm-call/answer-feedback.js';
import { failCall } from './llm-call/failure.js';
import { callLedger } from './llm-call/ledger.js';
import { startedRow } from './llm-call/ledger-row.js';
import { sendRequest, type ReceivedAnswer } from './llm-call/provider-call.js';
import { callInput, loadDocument, loadImageParts, loadPrompt, planRequest } from './llm-call/request.js';
import { attemptScope, type AttemptNotes, type AttemptScope } from './llm-call/scope.js';
import type { ClassifyWithLlmInput, ClassifyWithLlmResult, LlmActivityDeps } from './llm-call/types.js';

export type { ClassifyWithLlmInput, ClassifyWithLlmResult, FinishedCall, LlmActivityDeps } from './llm-call/types.js';

const PREVIOUS_OUTPUT_LIMIT = 2_000;

/** Builds the LLM activity: one HTTP call per attempt, recorded in the ledger whatever its outcome. */
export function createClassifyWithLlm(deps: LlmActivityDeps) {
  // Held by this activity, not the module: built once per taxonomy, dropped with the worker.
  const schemas = new AnswerSchemaCache();
  return async function classifyWithLlm(input: ClassifyWithLlmInput): Promise<ClassifyWithLlmResult> {
    const started = performance.now();
    const notes: AttemptNotes = { waitedMs: 0 };
    try {
      // A vision call goes to DOCKET_VISION_MODEL: the ledger, the pacing and the price all see that model.
      return await attempt(attemptScope(deps, callInput(deps, input), notes), schemas.of(input.taxonomy));
    } catch (err) {
      // The database or Temporal away: retried with backoff, never a provider error, never counted toward the ceiling.
      if (!(err instanceof ApplicationFailure) && isInfrastructureError(err)) {
        throw infrastructureFailure(err, activityInfo().attempt);
      }
      throw err;
    } finally {
      deps.onCallFinished?.({ busyMs: performance.now() - started - notes.waitedMs, tokens: notes.tokens });
    }
  };
}

/** One attempt, as its steps; each throws the attempt's failure when it ends the attempt. */
async function attempt(scope: AttemptScope, schemas: AnswerSchemas): Promise<ClassifyWithLlmResult> {
  const { deps, input } = scope;
  const document = await loadDocument(deps.pool, input.documentId);
  const prompt = loadPrompt(input.promptVersion);
  const images = await loadImageParts(scope);
  const plan = planRequest(scope, { document, prompt, schemas, images });
  const ledger = callLedger({
    pool: deps.pool,
    logger: scope.log,
    sampleRate: deps.sampleRate ?? 0,
    row: startedRow(scope, prompt.hash),
    request: plan.sampled,
    attempt: scope.attempt,
  });
  const admission = await admitCall(scope, plan);
  await openLedger(scope, ledger, admission);
  const answer = await sendRequest(scope, plan, (err, latencyMs) =>
    failCall(scope, { ledger, ...admission, nextCallTokens: plan.callTokens }, err, latencyMs),
  );
  scope.notes.tokens = answer.usage.inputTokens + answer.usage.outputTokens;
  await settleAnswer(scope, admission, answer);
  const verdict = judgeAnswer(answer.completion, schemas.output);
  await ledger.recordCall({ kind: 'answered', answer, verdict });
  return conclude(scope, { verdict, answer, prompt, document });
}

/**
 * The attempt's result for the workflow, from the judged answer; a withheld answer fails the attempt. Shared with the
 * Batch API's settlement, so that an answer means the same whichever way it came.
 */
export async function conclude(
  scope: AttemptScope,
  judged: { verdict: AnswerVerdict; answer: ReceivedAnswer; prompt: PromptTemplate; document: DocumentRow },
): Promise<ClassifyWithLlmResult> {
  const { verdict, answer } = judged;
  const common = {
    model: scope.input.model,
    attempt: scope.attempt,
    promptHash: judged.prompt.hash,
    latencyMs: answer.latencyMs,
    costUsd: answer.costUsd,
  };
  switch (verdict.kind) {
    case 'withheld':
      // A refusal or a filtered answer is about the input: no retry, a person decides.
      throw ApplicationFailure.create({
        type: ERROR_TYPES.contentFiltered,
        message: verdict.reason,
        nonRetryable: true,
        details: [{ errorClass: 'input' }],
      });
    case 'invalid': {
      const reason = finishReason(answer.completion);
      scope.log.warn({ errors: verdict.errors, finishReason: reason }, 'invalid output');
      await feedCanary(scope);
      const previousOutput = verdict.raw.slice(0, PREVIOUS_OUTPUT_LIMIT);
      return { outcome: 'invalid', errors: verdict.errors, previousOutput, finishReason: reason, ...common };
    }
    case 'valid': {
      const suspicious = flagInjection(scope, judged.document.text);
      return {
        ...(suspicious.length > 0 ? { suspiciousInstructions: suspicious } : {}),
        outcome: 'valid',
        output: verdict.output,
        ...common,
      };
    }
  }
}

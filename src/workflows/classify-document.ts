import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  metricMeter,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities, LlmActivities } from '../activities/index.js';
import type { ClassifyWithLlmInput, ClassifyWithLlmResult } from '../activities/classify-with-llm.js';
import type { ExtractDocumentTextResult } from '../activities/extract-document.js';
import { DOCKET_MODE } from '../shared/batch-api.js';
import type { ClassificationOutput, ReviewDecision } from '../shared/classification.js';
import { reviewDecisionSchema } from '../shared/classification.js';
import {
  ERROR_TYPE_CLASS,
  ERROR_TYPES,
  isErrorType,
  NON_RETRYABLE_ERROR_TYPES,
  PAUSE_REASON_BY_TYPE,
  REVIEW_REASON_BY_TYPE,
  type ErrorType,
} from '../shared/errors.js';
import {
  documentSettledSignal,
  resumeSignal,
  reviewSignal,
  statusQuery,
  submitReviewUpdate,
} from '../shared/messages.js';
import { EXTRACTION_ACTIVITY_OPTIONS, type UnreadableDetails } from '../shared/extraction.js';
import { batchWorkflowId, LLM_TASK_QUEUE } from '../shared/names.js';
import type { DocumentResult } from '../shared/result.js';
import { LONG_DOCUMENT_STRATEGY } from '../shared/long-documents.js';
import { REVIEW_FAILURE_TYPES } from '../shared/review-failures.js';
import { SA } from '../shared/search-attributes.js';
import {
  DOCUMENT_STATUS,
  PAUSE_REASON,
  REVIEW_REASON,
  type DocumentStatus,
  type PauseReason,
  type ReviewReason,
} from '../shared/status.js';
import type {
  ClassifyDocumentInput,
  ClassifyDocumentResult,
  DocumentProgress,
  ExtractionProgress,
} from '../shared/workflow-types.js';
import { batchApiCaller, type BatchApiCaller } from './batch-api-call.js';
import {
  chunkAnswered,
  LONG_DOCUMENTS_PATCH,
  longDocumentTag,
  nextChunk,
  preflightChunks,
  startLongDocument,
  type LongDocumentRun,
} from './long-document.js';

const { storeClassification } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

// Its own retry policy: unreadable files fail at once (review), crashes of an extractor are retried without a limit.
const { extractDocumentText } = proxyActivities<Activities>(EXTRACTION_ACTIVITY_OPTIONS);

/** The failure type an activity failed with, from the `ApplicationFailure` at its root. */
function failureType(err: unknown): { type: ErrorType; message: string; resumeAtMs?: number } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && isErrorType(cause.type)) {
    const details = cause.details?.[0] as { resumeAtMs?: number } | undefined;
    return { type: cause.type, message: cause.message, resumeAtMs: details?.resumeAtMs };
  }
  // Timeouts and unknown failures of the LLM call are transient by nature.
  return { type: ERROR_TYPES.timeout, message: cause instanceof Error ? cause.message : String(cause) };
}

/**
 * Versions the LLM retry regime: rate limits and outages consume no attempts (the activity counts the ceiling of server
 * errors itself, from the ledger), and an open outage breaker shows as `waiting_for_provider`.
 */
const PROVIDER_HEALTH_PATCH = 'provider-health-v1';
/** Versions cancellation: the document ends `failed` with reason `cancelled`, not paused. */
const CANCELLED_FAILS_PATCH = 'cancelled-ends-failed-v1';
/** Versions the extraction step: a file document's text is extracted before the first LLM call (issue 19). */
const EXTRACT_PATCH = 'extract-before-classify-v1';

/** What the status query shows of a successful extraction. */
function extractedProgress(r: ExtractDocumentTextResult): ExtractionProgress {
  return {
    outcome: 'extracted',
    method: r.method,
    ...(r.extractor ? { extractor: r.extractor } : {}),
    ...(r.mediaType ? { mediaType: r.mediaType } : {}),
    ...(r.pages !== undefined ? { pages: r.pages } : {}),
    ...(r.pagesRead !== undefined ? { pagesRead: r.pagesRead } : {}),
    chars: r.chars,
    images: r.images,
    needsVision: r.needsVision,
  };
}

/** The reason a `DocketUnreadableDocument` failure gives in its details (`corrupt` if it gives none). */
function unreadableReason(err: unknown): UnreadableDetails['reason'] {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const details =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as UnreadableDetails | undefined) : undefined;
  return details?.reason ?? 'corrupt';
}
/** Versions the Batch API path (issue 17); asked only by documents submitted in `batch_api` mode. */
const BATCH_API_PATCH = 'batch-api-v1';

const LLM_RETRY = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
} as const;

/**
 * Classifies one document durably (DESIGN.md §5–§6): transient failures retried, operator failures paused until
 * `resume`, input failures and unusable output sent to review, and nothing invalid ever stored.
 */
export async function classifyDocumentWorkflow(input: ClassifyDocumentInput): Promise<ClassifyDocumentResult> {
  const providerHealth = patched(PROVIDER_HEALTH_PATCH);
  const { classifyWithLlm } = proxyActivities<LlmActivities>({
    taskQueue: LLM_TASK_QUEUE,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '10 seconds',
    // Unlimited attempts under the patch: rate limits are waited out for as long as the provider asks, and the
    // activity itself ends the retries at the ceiling of server errors.
    retry: providerHealth ? LLM_RETRY : { ...LLM_RETRY, maximumAttempts: input.serverErrorCeiling },
  });
  // While the outage breaker is open: an attempt that waits (heartbeating) until a probe finds the provider back.
  const { classifyWithLlm: classifyWhenProviderIsBack } = proxyActivities<LlmActivities>({
    taskQueue: LLM_TASK_QUEUE,
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '10 seconds',
    retry: LLM_RETRY,
  });
  let waitingForProvider = false;

  const progress: DocumentProgress = {
    documentId: input.documentId,
    status: DOCUMENT_STATUS.classifying,
    stage: 'starting',
    attempts: 0,
    ...(input.mode ? { mode: input.mode } : {}),
  };
  let resumeRequested = false;
  let decision: ReviewDecision | undefined;
  // The model of the next call: the routed one, then possibly the cascade's stronger or the larger-context one.
  let model = input.model;
  let promptHash: string | undefined;
  // A document over the model's context window, read chunk by chunk (DOCKET_LONG_DOCUMENTS).
  let longDocument: LongDocumentRun | undefined;
  /** What every stored result records beside its decision. */
  const resultTags = () => ({
    promptVersion: input.promptVersion,
    ...(promptHash ? { promptHash } : {}),
    ...(input.variant ? { variant: input.variant } : {}),
    ...(longDocument ? { longDocument: longDocumentTag(longDocument) } : {}),
    ...(progress.suspiciousInstructions ? { suspiciousInstructions: progress.suspiciousInstructions } : {}),
  });

  let settledReported = false;
  // A signal initiated by a workflow that then closes is dropped, so a batch child awaits its notice before returning.
  let batchNotified: Promise<void> = Promise.resolve();
  function setStatus(status: DocumentStatus, stage: string): void {
    // Workflow time, so replays agree; only queries read it.
    if (status === DOCUMENT_STATUS.pendingReview && progress.status !== status) {
      progress.pendingReviewSince = new Date().toISOString();
    }
    progress.status = status;
    progress.stage = stage;
    if (input.batchId && !settledReported && status !== DOCUMENT_STATUS.classifying) {
      // The batch's window counts this document as settled once it rests: a person or an operator must act.
      settledReported = true;
      batchNotified = getExternalWorkflowHandle(batchWorkflowId(input.batchId))
        .signal(documentSettledSignal, { documentId: input.documentId, status })
        .catch((err: unknown) =>
          log.warn('could not notify the batch', { batchId: input.batchId, error: String(err) }),
        );
    }
    upsertSearchAttributes([
      { key: SA.status, value: status },
      {
        key: SA.reviewReason,
        value: status === DOCUMENT_STATUS.pendingReview ? (progress.reviewReason ?? null) : null,
      },
      { key: SA.category, value: progress.result?.category ?? progress.suggestion?.category ?? null },
      { key: SA.confidence, value: progress.result?.confidence ?? progress.suggestion?.confidence ?? null },
    ]);
  }

  // A rejected decision is the caller's mistake, never worth retrying: every rejection says so (nonRetryable).
  function validateDecision(d: ReviewDecision): void {
    const parsed = reviewDecisionSchema.safeParse(d);
    if (!parsed.success) {
      throw ApplicationFailure.create({
        type: REVIEW_FAILURE_TYPES.invalidReview,
        nonRetryable: true,
        message: parsed.error.issues[0]?.message ?? 'invalid',
      });
    }
    if (progress.status !== DOCUMENT_STATUS.pendingReview || decision !== undefined) {
      throw ApplicationFailure.create({
        type: REVIEW_FAILURE_TYPES.noReviewPending,
        nonRetryable: true,
        message: `no review is pending for ${input.documentId} (status ${progress.status})`,
      });
    }
    if (!input.taxonomy.categories.includes(d.category)) {
      throw ApplicationFailure.create({
        type: REVIEW_FAILURE_TYPES.categoryNotInTaxonomy,
        nonRetryable: true,
        message: `"${d.category}" is not in taxonomy "${input.taxonomy.name}": use one of ${input.taxonomy.categories.join(', ')}`,
      });
    }
  }

  setHandler(statusQuery, () => progress);
  setHandler(resumeSignal, () => {
    resumeRequested = true;
  });
  setHandler(
    submitReviewUpdate,
    async (d) => {
      decision = d;
      await condition(() => progress.status === DOCUMENT_STATUS.completed);
      if (!progress.result) throw ApplicationFailure.create({ message: 'completed without a result' });
      return progress.result;
    },
    { validator: validateDecision },
  );
  setHandler(reviewSignal, (d) => {
    try {
      validateDecision(d);
      decision = d;
    } catch (err) {
      log.warn('review signal rejected', { documentId: input.documentId, reason: (err as Error).message });
    }
  });

  const batchApi: BatchApiCaller | undefined =
    input.mode === DOCKET_MODE.batchApi && input.batchApi && patched(BATCH_API_PATCH)
      ? batchApiCaller({
          documentId: input.documentId,
          settings: input.batchApi,
          progress,
          showStage: (stage) => setStatus(DOCUMENT_STATUS.classifying, stage),
        })
      : undefined;

  /** Waits durably for `resume`, or until `resumeAtMs` (a new budget window) when given. */
  async function pause(reason: PauseReason, resumeAtMs?: number): Promise<void> {
    progress.pauseReason = reason;
    resumeRequested = false;
    setStatus(DOCUMENT_STATUS.paused, 'waiting_for_operator');
    log.error('document paused: an operator must act', { documentId: input.documentId, reason });
    metricMeter.createCounter('docket_pauses', 'documents', 'Documents paused for an operator').add(1, { reason });
    if (resumeAtMs !== undefined) {
      await condition(() => resumeRequested, Math.max(1, resumeAtMs - Date.now()));
    } else {
      await condition(() => resumeRequested);
    }
    progress.pauseReason = undefined;
    setStatus(DOCUMENT_STATUS.classifying, 'resumed');
  }

  async function complete(result: DocumentResult): Promise<ClassifyDocumentResult> {
    await storeClassification({
      documentId: input.documentId,
      taxonomy: input.taxonomy.name,
      result,
      unreviewed: result.unreviewed ?? false,
    });
    progress.result = result;
    setStatus(DOCUMENT_STATUS.completed, 'done');
    await batchNotified;
    return { documentId: input.documentId, status: DOCUMENT_STATUS.completed, result };
  }

  async function review(reason: ReviewReason, suggestion?: ClassificationOutput): Promise<ClassifyDocumentResult> {
    progress.reviewReason = reason;
    progress.suggestion = suggestion;
    setStatus(DOCUMENT_STATUS.pendingReview, 'waiting_for_review');
    metricMeter.createCounter('docket_reviews', 'documents', 'Documents sent to human review').add(1, { reason });
    const decidedInTime = await condition(() => decision !== undefined, input.review.timeoutMs);
    if (!decidedInTime) {
      const outcome = await reviewTimedOut(suggestion);
      if (outcome) return outcome;
    }
    const d = decision as ReviewDecision;
    metricMeter
      .createCounter('docket_review_decisions', 'decisions', 'Human review decisions')
      .add(1, { reason, agreed: suggestion ? String(suggestion.category === d.category) : 'no_suggestion' });
    return complete({
      category: d.category,
      confidence: 1,
      reasoning: d.note ? `human review: ${d.note}` : 'human review',
      decidedBy: 'human',
      reviewer: d.reviewer,
      note: d.note,
      reviewReason: reason,
      ...(suggestion ? { suggestion: { category: suggestion.category, confidence: suggestion.confidence } } : {}),
      model,
      ...resultTags(),
    });
  }

  /** Applies the review timeout policy; returns the final result unless the document keeps waiting. */
  async function reviewTimedOut(suggestion?: ClassificationOutput): Promise<ClassifyDocumentResult | undefined> {
    const policy = input.review.timeoutPolicy;
    metricMeter.createCounter('docket_review_timeouts', 'reviews', 'Reviews nobody decided in time').add(1, { policy });
    log.warn('review deadline passed', { documentId: input.documentId, policy, reason: progress.reviewReason });
    if (policy === 'fail') {
      progress.failureReason = `review_timeout: nobody decided within ${input.review.timeoutMs} ms`;
      setStatus(DOCUMENT_STATUS.failed, 'review_timed_out');
      await batchNotified;
      return { documentId: input.documentId, status: DOCUMENT_STATUS.failed, failureReason: progress.failureReason };
    }
    if (policy === 'accept' && suggestion) {
      return complete({
        ...suggestion,
        decidedBy: 'model',
        unreviewed: true,
        model,
        ...resultTags(),
      });
    }
    // Escalate (and `accept` with nothing to accept): the document keeps waiting, marked for attention.
    progress.escalated = true;
    progress.stage = 'escalated';
    await condition(() => decision !== undefined);
    return undefined;
  }

  /** A cancelled document ends `failed` with reason `cancelled`: nothing for an operator to do. */
  function cancelled(): Promise<ClassifyDocumentResult> {
    return CancellationScope.nonCancellable(async () => {
      progress.failureReason = 'cancelled';
      progress.pauseReason = undefined;
      setStatus(DOCUMENT_STATUS.failed, 'cancelled');
      log.info('document cancelled', { documentId: input.documentId });
      await batchNotified;
      return { documentId: input.documentId, status: DOCUMENT_STATUS.failed, failureReason: 'cancelled' };
    });
  }

  /**
   * A file document's text, extracted before the first LLM call: the review reason when the file cannot be read (an
   * input problem: `unreadable`, from the error table), else what the LLM call must add (the page images' tokens). A
   * crash of the extractor never surfaces here: the activity retries it, the document `classifying` at stage
   * `extracting`.
   */
  async function extract(): Promise<{ review: ReviewReason } | { vision?: ClassifyWithLlmInput['vision'] }> {
    for (;;) {
      setStatus(DOCUMENT_STATUS.classifying, 'extracting');
      try {
        const extracted = await extractDocumentText({ documentId: input.documentId });
        // A text document has nothing to extract (a batch of files and texts may mark every child `fromFile`).
        if (extracted.source === 'file') progress.extraction = extractedProgress(extracted);
        return extracted.needsVision ? { vision: { tokens: extracted.visionTokens ?? 0 } } : {};
      } catch (err) {
        if (isCancellation(err)) throw err;
        const { type, message } = failureType(err);
        progress.lastErrorClass = ERROR_TYPE_CLASS[type];
        progress.lastErrorType = type;
        progress.lastErrorMessage = message;
        const reviewReason = REVIEW_REASON_BY_TYPE[type];
        if (reviewReason) {
          if (type === ERROR_TYPES.unreadableDocument) {
            progress.extraction = { outcome: 'unreadable', unreadableReason: unreadableReason(err) };
          }
          return { review: reviewReason };
        }
        // The only other failure the retry policy lets through: the document is gone (erased), an operator's matter.
        await pause(PAUSE_REASON_BY_TYPE[type] ?? PAUSE_REASON.retriesExhausted);
      }
    }
  }

  /** The classification itself: calls, repairs, escalations, pauses and reviews until a result or a failure. */
  async function classify(): Promise<ClassifyDocumentResult> {
    upsertSearchAttributes([
      { key: SA.model, value: input.model },
      { key: SA.promptVersion, value: input.promptVersion },
      ...(input.batchId ? [{ key: SA.batchId, value: input.batchId }] : []),
      ...(input.mode ? [{ key: SA.mode, value: input.mode }] : []),
    ]);
    let vision: ClassifyWithLlmInput['vision'];
    if (input.fromFile && patched(EXTRACT_PATCH)) {
      const extracted = await extract();
      if ('review' in extracted) return review(extracted.review);
      vision = extracted.vision;
    }
    setStatus(DOCUMENT_STATUS.classifying, 'calling_llm');

    let repair: { previousOutput: string; errors: string[] } | undefined;
    let purpose: 'classify' | 'cascade' | 'large_context' = 'classify';
    let escalatedModel = false;
    /** Tries a stronger or larger model once, before a person. Versioned: workflows started earlier never do. */
    const escalateTo = (candidate: string | undefined, why: 'cascade' | 'large_context', patchId: string): boolean => {
      if (!candidate || escalatedModel || candidate === model || !patched(patchId)) return false;
      escalatedModel = true;
      model = candidate;
      // The Web UI's DocketModel shows the model that answers. Versioned on its own: runs that escalated before this
      // recorded no update here.
      if (patched('escalation-model-search-attribute')) upsertSearchAttributes([{ key: SA.model, value: candidate }]);
      purpose = why;
      repair = undefined;
      setStatus(DOCUMENT_STATUS.classifying, why === 'cascade' ? 'cascading' : 'using_large_context_model');
      return true;
    };
    /**
     * A document over the context window (after the larger-context model, if any): read in chunks as
     * DOCKET_LONG_DOCUMENTS says, once. Versioned: workflows started earlier send it to review.
     */
    const readInChunks = (err: unknown): boolean => {
      const chunks = preflightChunks(err);
      if (!input.longDocuments || longDocument || chunks === undefined || !patched(LONG_DOCUMENTS_PATCH)) return false;
      longDocument = startLongDocument(input.longDocuments, chunks);
      repair = undefined;
      setStatus(DOCUMENT_STATUS.classifying, 'reading_long_document');
      return true;
    };
    /** The chunks' vote: stored when confident enough, else a person decides with the vote as suggestion. */
    const concludeVote = (vote: ClassificationOutput): Promise<ClassifyDocumentResult> =>
      vote.confidence < input.confidenceThreshold
        ? review(REVIEW_REASON.lowConfidence, vote)
        : complete({ ...vote, decidedBy: 'model', model, ...resultTags() });
    for (;;) {
      let answer: ClassifyWithLlmResult;
      progress.attempts++;
      try {
        const call = waitingForProvider ? classifyWhenProviderIsBack : classifyWithLlm;
        const args = {
          documentId: input.documentId,
          taxonomy: input.taxonomy,
          model,
          promptVersion: input.promptVersion,
          repair,
          purpose,
          ...(input.variant ? { variant: input.variant } : {}),
          ...(vision ? { vision } : {}),
          ...(longDocument ? { chunk: nextChunk(longDocument) } : {}),
          ...(providerHealth
            ? {
                serverErrorCeiling: input.serverErrorCeiling,
                outage: waitingForProvider ? ('wait' as const) : ('report' as const),
              }
            : {}),
        };
        // A repair or a cascade goes realtime when so configured; so does everything once the Batch API fell back.
        const realtimeRetry = input.batchApi?.repair === 'realtime' && (repair !== undefined || purpose !== 'classify');
        const viaBatchApi = batchApi && !batchApi.fellBack && !realtimeRetry;
        answer = (viaBatchApi ? await batchApi.call(args) : undefined) ?? (await call(args));
        waitingForProvider = false;
      } catch (err) {
        // A cancelled document ends failed (below), never paused for an operator.
        if (isCancellation(err) && patched(CANCELLED_FAILS_PATCH)) throw err;
        const { type, message, resumeAtMs } = failureType(err);
        if (type === ERROR_TYPES.infrastructureUnavailable) {
          // Docket's own database or Temporal away (only a pre-patch retry policy lets it end an activity): not the
          // document's fault nor the provider's; no error shown, nothing paused; call again.
          setStatus(DOCUMENT_STATUS.classifying, 'waiting_for_infrastructure');
          continue;
        }
        if (type === ERROR_TYPES.providerOutage) {
          // An outage, not this document's fault: no error shown, no attempt counted; wait for the provider.
          waitingForProvider = true;
          setStatus(DOCUMENT_STATUS.classifying, 'waiting_for_provider');
          continue;
        }
        waitingForProvider = false;
        progress.lastErrorClass = ERROR_TYPE_CLASS[type];
        progress.lastErrorType = type;
        progress.lastErrorMessage = message;
        const reviewReason = REVIEW_REASON_BY_TYPE[type];
        if (
          reviewReason === REVIEW_REASON.inputTooLong &&
          escalateTo(input.largeContextModel, 'large_context', 'large-context-model-v1')
        ) {
          continue;
        }
        if (reviewReason === REVIEW_REASON.inputTooLong && readInChunks(err)) continue;
        if (reviewReason) return review(reviewReason);
        const pauseReason = PAUSE_REASON_BY_TYPE[type];
        if (pauseReason) {
          await pause(pauseReason, resumeAtMs);
          continue;
        }
        // Transient failures already retried up to the ceiling: a rate limit is waited out for as long as it lasts,
        // repeated server errors on the same input pause the document to keep spend bounded.
        if (type === ERROR_TYPES.rateLimited) {
          setStatus(DOCUMENT_STATUS.classifying, 'waiting_for_rate_limit');
          continue;
        }
        await pause(
          type === ERROR_TYPES.unconfirmedRateLimit ? PAUSE_REASON.unconfirmedRateLimit : PAUSE_REASON.retriesExhausted,
        );
        continue;
      }
      promptHash = answer.promptHash;

      if (answer.outcome === 'invalid') {
        progress.lastErrorClass = 'output';
        progress.lastErrorType = 'invalid_output';
        progress.lastErrorMessage = answer.errors.join('; ');
        // One more try: the stronger model when a cascade is configured, else a repair that shows the errors.
        if (escalateTo(input.cascadeModel, 'cascade', 'cascade-v1')) continue;
        if (!repair && !escalatedModel) {
          repair = { previousOutput: answer.previousOutput, errors: answer.errors };
          setStatus(DOCUMENT_STATUS.classifying, 'repairing');
          continue;
        }
        if (longDocument?.strategy === LONG_DOCUMENT_STRATEGY.chunkVote) {
          // A chunk without a valid answer, even repaired, casts no vote; the others decide.
          const counted = chunkAnswered(longDocument, undefined);
          repair = undefined;
          if (counted.next) {
            setStatus(DOCUMENT_STATUS.classifying, 'reading_long_document');
            continue;
          }
          if (counted.vote) return concludeVote(counted.vote);
        }
        return review(REVIEW_REASON.invalidOutput);
      }

      const output = answer.output;
      // Issue 13: instructions aimed at the model in the document. Versioned: earlier runs never looked.
      if (answer.suspiciousInstructions?.length && patched('injection-review-v1')) {
        progress.suspiciousInstructions = answer.suspiciousInstructions;
        if (input.injectionPolicy === 'review') return review(REVIEW_REASON.suspiciousInstructions, output);
      }
      if (longDocument?.strategy === LONG_DOCUMENT_STRATEGY.chunkVote) {
        const counted = chunkAnswered(longDocument, output);
        repair = undefined;
        if (counted.next) {
          setStatus(DOCUMENT_STATUS.classifying, 'reading_long_document');
          continue;
        }
        if (counted.vote) return concludeVote(counted.vote);
      }
      if (output.confidence < input.confidenceThreshold) {
        progress.lastErrorClass = 'low_confidence';
        if (escalateTo(input.cascadeModel, 'cascade', 'cascade-v1')) continue;
        return review(REVIEW_REASON.lowConfidence, output);
      }
      return complete({ ...output, decidedBy: 'model', model: answer.model ?? model, ...resultTags() });
    }
  }

  try {
    return await classify();
  } catch (err) {
    if (isCancellation(err) && patched(CANCELLED_FAILS_PATCH)) return cancelled();
    throw err;
  }
}

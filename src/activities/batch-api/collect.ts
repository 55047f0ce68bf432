import { Context } from '@temporalio/activity';
import { APIError } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import {
  batchApiCallKey,
  getBatchApiJob,
  recordBatchApiLine,
  requeueUnanswered,
  settledRequestsOfJob,
  type BatchApiLine,
  type ReceivedLine,
  type StoredRequest,
} from '../../db/batch-api.js';
import { settleBudget } from '../../db/limits.js';
import type { LlmCallRow } from '../../db/queries.js';
import { answerUsage, finishReason } from '../../llm/answer.js';
import { priceUsage } from '../../llm/pricing.js';
import { mapProviderError } from '../../llm/provider-errors/index.js';
import { DOCKET_MODE, parseCustomId, type BatchApiNotice, type BatchApiQueued } from '../../shared/batch-api.js';
import { heartbeating } from '../execution.js';
import type { BatchApiActivityDeps } from './deps.js';
import { noticeDocuments, tellQueue } from './notify.js';

/** Input of `collectBatchApiJob`: a job whose provider status is final. */
export interface CollectBatchApiJobInput {
  jobKey: string;
  outputFileId?: string;
  errorFileId?: string;
  /** The job failed validation over the provider's enqueued-token limit, which it named. */
  learnedMaxQueuedTokens?: number;
}

export interface CollectBatchApiJobResult {
  answered: number;
  errorLines: number;
  duplicates: number;
  requeued: number;
}

/** One line of an output or error file, as OpenAI writes it. */
interface FileLine {
  custom_id?: unknown;
  response?: { status_code?: number; request_id?: string; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

/**
 * Reads a final job's output and error files and accounts for every request: each line is stored once with its
 * ledger row (real tokens at the Batch API price); requests with no line (expired, failed, missing) go back to the
 * queue; each document hears of its line. Retried after a crash, nothing is stored or priced twice.
 */
export function createCollectBatchApiJob(deps: BatchApiActivityDeps) {
  return async function collectBatchApiJob(input: CollectBatchApiJobInput): Promise<CollectBatchApiJobResult> {
    return heartbeating(() => collect(deps, input));
  };
}

async function collect(deps: BatchApiActivityDeps, input: CollectBatchApiJobInput): Promise<CollectBatchApiJobResult> {
  const ctx = Context.current();
  const job = await getBatchApiJob(deps.pool, input.jobKey);
  const providerJobId = job?.providerJobId;
  const counts = { answered: 0, errorLines: 0, duplicates: 0, requeued: 0 };
  if (job && providerJobId) {
    for (const fileId of [input.outputFileId, input.errorFileId]) {
      if (!fileId) continue;
      const text = await (await deps.openai.files.content(fileId, { maxRetries: 0 })).text();
      for (const raw of text.split('\n')) {
        const line = parseLine(raw, providerJobId);
        if (!line) continue;
        const received = receivedLine(line);
        const stored = await recordBatchApiLine(deps.pool, job.jobKey, received);
        const reserved = stored ? stored.request?.budget : undefined;
        // The reservation made when the request was queued becomes the line's real cost.
        if (reserved && stored && stored.call) {
          await settleBudget(
            deps.pool,
            reserved.day,
            reserved.reservedUsd,
            stored.call.costUsd ?? reserved.reservedUsd,
          );
        }
        if (!stored) counts.duplicates++;
        else if (received.state === 'answered') counts.answered++;
        else counts.errorLines++;
        ctx.heartbeat();
      }
    }
  }
  const requeued = await requeueUnanswered(deps.pool, input.jobKey);
  counts.requeued = requeued.requests;
  const settled = await settledRequestsOfJob(deps.pool, input.jobKey);
  await noticeDocuments(
    deps.client,
    [
      ...settled.map((s) => ({
        workflowId: s.workflowId,
        notice: {
          customId: s.customId,
          outcome: s.state === 'answered' ? 'answered' : 'error_line',
          ...(providerJobId ? { providerJobId } : {}),
        } satisfies BatchApiNotice,
      })),
      ...requeued.workflows.map((w) => ({
        workflowId: w.workflowId,
        notice: { customId: w.customId, outcome: 'requeued' } satisfies BatchApiNotice,
      })),
    ],
    () => ctx.heartbeat(),
  );
  const queued: BatchApiQueued = {
    requests: requeued.requests,
    tokens: requeued.tokens,
    released: true,
    ...(input.learnedMaxQueuedTokens ? { learnedMaxQueuedTokens: input.learnedMaxQueuedTokens } : {}),
  };
  await tellQueue(deps.client, { model: job?.model ?? '', settings: deps.batchApi }, queued);
  deps.logger.info({ jobKey: input.jobKey, providerJobId, ...counts }, 'Batch API job collected');
  return counts;
}

/** A line with a response (answered or refused: either was run and billed); undefined for lines never run. */
function parseLine(raw: string, providerJobId: string): BatchApiLine | undefined {
  if (raw.trim() === '') return undefined;
  let parsed: FileLine;
  try {
    parsed = JSON.parse(raw) as FileLine;
  } catch {
    return undefined;
  }
  if (typeof parsed.custom_id !== 'string' || !parsed.response) return undefined;
  return {
    customId: parsed.custom_id,
    providerJobId,
    statusCode: parsed.response.status_code ?? null,
    response: parsed.response.body,
    error: parsed.error ?? undefined,
    requestId: parsed.response.request_id ?? null,
  };
}

/** The line with its state and ledger row: the same columns a realtime call writes, at the Batch API price. */
function receivedLine(line: BatchApiLine): ReceivedLine {
  const answered = line.statusCode === 200;
  return {
    line,
    state: answered ? 'answered' : 'error_line',
    ledger: (request) => (answered ? answeredRow(request, line) : refusedRow(request, line)),
  };
}

function baseRow(request: StoredRequest, line: BatchApiLine): LlmCallRow {
  return {
    callKey: batchApiCallKey(line.providerJobId, line.customId),
    documentId: request.documentId,
    workflowId: request.workflowId,
    runId: line.providerJobId,
    activityAttempt: parseCustomId(request.customId)?.n ?? 1,
    purpose: request.purpose,
    model: request.model,
    promptVersion: request.promptVersion,
    promptHash: request.promptHash,
    variant: request.variant,
    taxonomy: request.taxonomy,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    priced: true,
    // The wait from queueing to the answer: what a batch-mode document waits.
    latencyMs: Math.max(0, Date.now() - request.queuedAt.getTime()),
    httpStatus: line.statusCode,
    outcome: 'ok',
    errorClass: null,
    errorType: null,
    finishReason: null,
    parseOk: null,
    requestId: line.requestId ?? null,
    startedAt: request.queuedAt,
    mode: DOCKET_MODE.batchApi,
    providerJobId: line.providerJobId,
  };
}

function answeredRow(request: StoredRequest, line: BatchApiLine): LlmCallRow {
  const completion = line.response as ChatCompletion;
  const usage = answerUsage(completion);
  const { costUsd, priced } = priceUsage(request.model, usage, 'batch');
  return { ...baseRow(request, line), ...usage, costUsd, priced, finishReason: finishReason(completion) };
}

function refusedRow(request: StoredRequest, line: BatchApiLine): LlmCallRow {
  const mapped = lineFailure(line);
  return {
    ...baseRow(request, line),
    outcome: 'error',
    errorClass: mapped?.errorClass ?? 'transient',
    errorType: mapped?.type ?? null,
  };
}

/** A refused line placed in the error taxonomy, exactly as a realtime answer with that status and body would be. */
export function lineFailure(line: Pick<BatchApiLine, 'statusCode' | 'response'>) {
  const body = line.response as { error?: { message?: string } } | undefined;
  const err = APIError.generate(line.statusCode ?? 500, body, undefined, new Headers());
  return mapProviderError(err);
}

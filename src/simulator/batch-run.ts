import { randomBytes } from 'node:crypto';
import { answerChatCall, checkChatCall, type ChatCall } from './chat-answer.js';
import { tokenLimitExceeded } from './batch-errors.js';
import { DEFAULT_VALIDATION_ERRORS, faultsOf, pickLines, type ResolvedBatchFault } from './batch-faults.js';
import { readBatchInput, type BatchInputLine } from './batch-input.js';
import { enqueuedTokenLimit } from './batch-limits.js';
import type { BatchValidationError } from './batch-types.js';
import type { BatchJob, BatchLine } from './batches.js';
import { randomId } from './completion.js';
import type { ResolvedFault } from './faults.js';
import type { ErrorAnswer } from './openai-errors.js';
import type { SimulatorState } from './state.js';
import type { StoredFile } from './files.js';
import { countTokens } from './tokens.js';
import type { FaultKind } from './types.js';

/** What `POST /v1/batches` asked for, once its parameters are valid. */
export interface BatchParams {
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
}

/** The limit a `token_limit_exceeded` fault names when the model has none configured (OpenAI's tier-1 figure). */
const DEFAULT_ENQUEUED_TOKEN_LIMIT = 2_000_000;

/** A job's line before it is answered: the input line and what the chat check made of its body. */
interface PendingLine {
  input: BatchInputLine;
  checked: { call: ChatCall; error?: undefined } | { call?: ChatCall; error: ErrorAnswer };
}

/**
 * Plans a new job from its input file: validates the file, applies the first matching Batch API rule, shuffles the
 * lines with the seed and answers each one through the same check and answer as a realtime chat completion (fault
 * rules, output faults and the prompt cache included). The answers are fixed now, so a run is reproducible; the job's
 * clock only decides when they show.
 */
export function planBatch(
  state: SimulatorState,
  input: StoredFile,
  params: BatchParams,
  now: number,
  apiKey: string,
): Omit<BatchJob, 'seq'> {
  const { batchClock: clock, batchLimits: limits } = state.profile;
  const faults = state.batchRules.take(params.metadata);
  const read = readBatchInput(input.content, params.endpoint, limits.maxRequestsPerFile);
  const pending: PendingLine[] = read.lines.map((line) => ({ input: line, checked: checkChatCall(state, line.body) }));
  const model = read.lines[0]?.model ?? null;
  const enqueuedTokens = pending.reduce(
    (sum, line) => sum + (line.checked.call?.promptTokens ?? countTokens(JSON.stringify(line.input.body))),
    0,
  );
  const fileErrors = [...read.errors, ...faultErrors(faults)];
  const errors = fileErrors.length > 0 ? fileErrors : limitErrors(state, model, enqueuedTokens, faults, now);
  const job: Omit<BatchJob, 'seq'> = {
    id: `batch_${randomBytes(16).toString('hex')}`,
    inputFileId: input.id,
    endpoint: params.endpoint,
    completionWindow: params.completionWindow,
    metadata: params.metadata,
    model,
    timeline: { createdAt: now, lineCount: 0, clock: { ...clock }, failsValidation: true, extraFinalizingMs: 0 },
    errors: errors.length > 0 ? errors : null,
    lines: [],
    faults: [...new Set(faults.map((fault) => fault.kind))],
    enqueuedTokens,
    slowContentMs: 0,
    outputFileId: null,
    errorFileId: null,
    filesWritten: false,
  };
  if (job.errors) return job;

  const lines = answerLines(state, shuffled(pending, state), faults, apiKey);
  const expire = faultsOf(faults, 'expire')[0];
  const slow = faultsOf(faults, 'slow_output')[0];
  const slowMs = slow?.ms ?? 1000;
  job.lines = lines;
  job.slowContentMs = slow && slow.stage !== 'finalizing' ? slowMs : 0;
  job.timeline = {
    ...job.timeline,
    lineCount: lines.length,
    failsValidation: false,
    expireAfterLines: expire ? Math.round(lines.length * (expire.share ?? 0.5)) : undefined,
    extraFinalizingMs: slow?.stage === 'finalizing' ? slowMs : 0,
  };
  return job;
}

/** Answers the lines in run order; `error_lines`, `missing_lines` and `duplicate_lines` faults pick theirs first. */
function answerLines(
  state: SimulatorState,
  pending: PendingLine[],
  faults: ResolvedBatchFault[],
  apiKey: string,
): BatchLine[] {
  const customIds = pending.map((line) => line.input.customId);
  const picked = (kind: 'missing_lines' | 'duplicate_lines'): Set<number> =>
    new Set(faultsOf(faults, kind).flatMap((fault) => [...pickLines(fault, customIds, state.batchPrng)]));
  const errorAt = new Map<number, FaultKind>();
  for (const fault of faultsOf(faults, 'error_lines')) {
    for (const index of pickLines(fault, customIds, state.batchPrng)) errorAt.set(index, fault.error ?? 'server_error');
  }
  const missing = picked('missing_lines');
  const duplicate = picked('duplicate_lines');
  return pending.map((line, index) => ({
    customId: line.input.customId,
    id: `batch_req_${randomId(24)}`,
    requestId: randomBytes(16).toString('hex'),
    ...answerLine(state, line, errorAt.get(index), apiKey),
    missing: missing.has(index),
    duplicate: duplicate.has(index),
  }));
}

/** One line's answer: its body's own error, a picked error, or what a realtime call would answer (minus hangs). */
function answerLine(
  state: SimulatorState,
  { checked }: PendingLine,
  pickedError: FaultKind | undefined,
  apiKey: string,
): Pick<BatchLine, 'statusCode' | 'body' | 'billed' | 'fault'> {
  const unbilled = { promptTokens: 0, cachedTokens: 0, completionTokens: 0 };
  if (checked.error) return { statusCode: checked.error.status, body: checked.error.body, billed: unbilled };
  const { call } = checked;
  const fault: ResolvedFault | undefined = pickedError
    ? { kind: pickedError }
    : withoutConnectionFault(state.nextFault(call.userText, call.request.model, state.batchPrng));
  const { completion, error } = answerChatCall(state, call, fault, apiKey);
  if (error) return { statusCode: error.status, body: error.body, billed: unbilled, fault: fault?.kind };
  const { usage } = completion;
  return {
    statusCode: 200,
    body: completion,
    billed: {
      promptTokens: usage.prompt_tokens,
      cachedTokens: usage.prompt_tokens_details.cached_tokens,
      completionTokens: usage.completion_tokens,
    },
    fault: fault?.kind,
  };
}

/** A batch line has no connection to hang or reset: those faults leave it answered normally. */
function withoutConnectionFault(fault: ResolvedFault | undefined): ResolvedFault | undefined {
  return fault?.kind === 'hang' || fault?.kind === 'reset' ? undefined : fault;
}

/** The errors `validation_failed` and `token_limit_exceeded` faults report. */
function faultErrors(faults: ResolvedBatchFault[]): BatchValidationError[] {
  return faultsOf(faults, 'validation_failed').flatMap((fault) => fault.errors ?? DEFAULT_VALIDATION_ERRORS);
}

/** `token_limit_exceeded` when the job's tokens would take its model over its enqueued-token limit (or by fault). */
function limitErrors(
  state: SimulatorState,
  model: string | null,
  tokens: number,
  faults: ResolvedBatchFault[],
  now: number,
): BatchValidationError[] {
  if (model === null) return [];
  const limit = enqueuedTokenLimit(state.profile.batchLimits, model);
  const forced = faultsOf(faults, 'token_limit_exceeded')[0];
  if (forced) return [tokenLimitExceeded(model, forced.limit ?? limit ?? DEFAULT_ENQUEUED_TOKEN_LIMIT)];
  if (limit !== undefined && state.batches.enqueuedTokens(model, now) + tokens > limit) {
    return [tokenLimitExceeded(model, limit)];
  }
  return [];
}

/**
 * The lines in the job's run order: a seeded Fisher-Yates shuffle, rotated by one when it happens to give the input
 * order back, so that a client can never get away with reading answers by position.
 */
function shuffled<T>(items: readonly T[], state: SimulatorState): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(state.batchPrng.next() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  const unchanged = result.every((item, index) => item === items[index]);
  return unchanged && result.length > 1 ? [...result.slice(1), ...result.slice(0, 1)] : result;
}

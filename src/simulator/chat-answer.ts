import { buildCompletion, type ChatCompletionBody } from './completion.js';
import { faultErrorAnswer, OUTPUT_FAULTS, type ResolvedFault } from './faults.js';
import { groundTruthAnswer } from './ground-truth.js';
import { imagesNotSupported, readImages, type RequestImages } from './images.js';
import { contextLengthExceeded, modelNotFound, type ErrorAnswer } from './openai-errors.js';
import { UNLIMITED_RPM } from './rate-limit.js';
import { parseChatRequest, type ChatRequest } from './request.js';
import { isKnownModel, type SimulatorState } from './state.js';
import { cachedTokens, countPromptTokens, stablePrefix, userText } from './tokens.js';

/** A chat completion request that parsed, with what the simulator derives from it. */
export interface ChatCall {
  request: ChatRequest;
  /** Concatenated user-message text (what fault rules match). */
  userText: string;
  /** Text and image tokens of the prompt. */
  promptTokens: number;
  /** The request's image parts; absent when it has none. */
  images?: RequestImages;
  contextWindow: number;
  /** `max_completion_tokens` or `max_tokens`, when given. */
  completionCap: number | undefined;
}

/** The answer to a chat completion: its completion (a 200), or OpenAI's error. */
export type ChatAnswer =
  { completion: ChatCompletionBody; error?: undefined } | { completion?: undefined; error: ErrorAnswer };

/**
 * Checks a parsed JSON body the way OpenAI does before it runs a model: a valid request, a served model, a prompt
 * (and completion budget) inside the context window. `call` is present whenever the body parsed, even when refused.
 * Realtime calls and Batch API lines go through this same check.
 */
export function checkChatCall(
  state: SimulatorState,
  body: unknown,
): { call: ChatCall; error?: undefined } | { call?: ChatCall; error: ErrorAnswer } {
  const parsed = parseChatRequest(body);
  if ('error' in parsed) return { error: parsed.error };
  const { request } = parsed;
  const images = readImages(request.messages, request.model);
  const call: ChatCall = {
    request,
    userText: userText(request.messages),
    promptTokens: countPromptTokens(request.messages) + ('tokens' in images ? images.tokens : 0),
    ...('count' in images && images.count > 0 ? { images } : {}),
    contextWindow: state.contextWindow(request.model),
    completionCap: request.max_completion_tokens ?? request.max_tokens ?? undefined,
  };
  if (!isKnownModel(request.model)) return { call, error: modelNotFound(request.model) };
  if ('error' in images) return { call, error: images.error };
  if (call.images && state.profile.textOnlyModels?.includes(request.model)) {
    return { call, error: imagesNotSupported(call.images.firstParam ?? 'messages') };
  }
  if (call.promptTokens > call.contextWindow) {
    return { call, error: contextLengthExceeded(call.contextWindow, call.promptTokens) };
  }
  if (call.completionCap !== undefined && call.promptTokens + call.completionCap > call.contextWindow) {
    return { call, error: contextLengthExceeded(call.contextWindow, call.promptTokens, call.completionCap) };
  }
  return { call };
}

/**
 * Answers a checked call: an error fault's OpenAI error, else the classification (the keyword classifier's, or ground
 * truth mode's, recorded) shaped by an output fault (if any), with cached tokens for a stable prefix seen before.
 * Connection faults (`hang`, `reset`) are the caller's business.
 */
export function answerChatCall(
  state: SimulatorState,
  call: ChatCall,
  fault: ResolvedFault | undefined,
  apiKey: string,
): ChatAnswer {
  const { profile } = state;
  if (fault && !OUTPUT_FAULTS.has(fault.kind)) {
    const answer = faultErrorAnswer(fault, {
      model: call.request.model,
      apiKey,
      contextWindow: call.contextWindow,
      promptTokens: call.promptTokens,
      rpm: profile.rpm ?? UNLIMITED_RPM,
      defaultRetryAfterMs: profile.defaultRetryAfterMs,
    });
    if (answer) return { error: answer };
  }
  const prefix = stablePrefix(call.request.messages);
  const cacheable = cachedTokens(prefix.tokens);
  const seen = cacheable > 0 && state.seenPrefix(`${call.request.model}\u0000${prefix.key}`);
  const truth = profile.groundTruth;
  const completion = buildCompletion(call.request, {
    fault,
    promptTokens: call.promptTokens,
    cachedTokens: seen ? cacheable : 0,
    obeyInstructions: profile.obeyInstructions ?? false,
    ...(call.images ? { images: call.images } : {}),
    answer:
      truth && ((request, categories) => groundTruthAnswer(request, categories, truth, profile.seed, state.truth)),
  });
  return { completion };
}

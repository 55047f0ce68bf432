import { randomBytes } from 'node:crypto';
import { buildAnswer, classify, findCategories, NO_KEYWORDS_CONFIDENCE, type AnswerFields } from './classify.js';
import type { ResolvedFault } from './faults.js';
import type { RequestImages } from './images.js';
import type { ChatRequest, JsonSchema } from './request.js';
import { countTokens, userText } from './tokens.js';

/** The refusal text of the `refusal` fault. */
export const REFUSAL_TEXT = "I'm sorry, I can't help with that.";

/** Written as `system_fingerprint` so that logs show where an answer came from. */
export const SYSTEM_FINGERPRINT = 'docket-simulator';

type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  annotations: [];
  tool_calls?: ToolCall[];
}

/** A `chat.completion` object as OpenAI returns it. */
export interface ChatCompletionBody {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: number; message: AssistantMessage; logprobs: null; finish_reason: FinishReason }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
    completion_tokens_details: {
      reasoning_tokens: number;
      audio_tokens: number;
      accepted_prediction_tokens: number;
      rejected_prediction_tokens: number;
    };
  };
  service_tier: 'default';
  system_fingerprint: string;
}

/** Inputs of {@link buildCompletion} beyond the request itself. */
export interface CompletionOptions {
  /** An output fault to shape the answer with. */
  fault?: ResolvedFault | undefined;
  promptTokens: number;
  cachedTokens: number;
  /** The request's image parts: a text without category keywords is classified from them. */
  images?: RequestImages;
  /** Obey an instruction found in the user text (profile `obeyInstructions`). */
  obeyInstructions?: boolean;
  /** Decides the answer instead of the keyword classifier (ground truth mode). */
  answer?: ((request: ChatRequest, categories: readonly string[]) => AnswerFields) | undefined;
}

/** Synonyms and variants an out-of-taxonomy answer picks from, per default category. */
const SYNONYMS: Record<string, readonly string[]> = {
  technical: ['tech', 'engineering'],
  business: ['finance', 'commercial'],
  legal: ['law', 'compliance'],
  marketing: ['advertising', 'promotion'],
  other: ['misc', 'general'],
};

const INSTRUCTION =
  /\b(?:classify|categori[sz]e|label)\s+(?:this|the|it)(?:\s+(?:document|text|message|email))?\s+as\s+["'\u201c]?([\p{L}\p{N}_-]+)["'\u201d]?(?:\s+with\s+(?:a\s+)?confidence(?:\s+of)?\s+(0?\.\d+|1(?:\.0+)?))?/iu;

/** What a gullible model answers when the text tells it what to answer: the category as named, confidence 0.99. */
export function obeyedInstruction(text: string, categories: readonly string[]): AnswerFields | undefined {
  const match = INSTRUCTION.exec(text);
  if (!match?.[1]) return undefined;
  const named = match[1];
  return {
    category: categories.find((c) => c.toLowerCase() === named.toLowerCase()) ?? named,
    confidence: match[2] !== undefined ? Number(match[2]) : 0.99,
    reasoning: '[simulated] The document says how to classify it, so I did.',
  };
}

/** Answers a chat completion request: classifies its user text and shapes the answer by the output fault, if any. */
export function buildCompletion(request: ChatRequest, options: CompletionOptions): ChatCompletionBody {
  const { fault } = options;
  const tool = selectedTool(request);
  const schema = tool ? tool.parameters : jsonSchemaOf(request);
  const categories = findCategories(request, schema);
  const fields: AnswerFields = options.answer
    ? options.answer(request, categories)
    : classifyWithImages(userText(request.messages), categories, options.images);
  const order = options.obeyInstructions ? obeyedInstruction(userText(request.messages), categories) : undefined;
  if (order) Object.assign(fields, order);
  if (fault?.category !== undefined) fields.category = fault.category;
  if (fault?.kind === 'out_of_taxonomy' && fault.category === undefined) {
    fields.category = outOfTaxonomy(fields.category, categories);
  }
  if (fault?.kind === 'placeholder') {
    fields.category = fault.category ?? 'N/A';
    fields.reasoning = 'N/A';
  }
  if (fault?.kind === 'low_confidence') fields.confidence = fault.confidence ?? 0.2;
  if (fault?.reasoning !== undefined) fields.reasoning = fault.reasoning;

  let text = JSON.stringify(buildAnswer(schema, fields));
  if (fault?.kind === 'invalid_json') {
    text = `[simulated] Sure! Having read the document, I would say it is mostly about ${fields.category}.`;
  } else if (fault?.kind === 'truncated_json') {
    text = text.slice(0, Math.max(1, Math.floor(text.length * 0.6)));
  }

  let finishReason: FinishReason = tool && !tool.forced ? 'tool_calls' : 'stop';
  const cap = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  // The `length` fault always runs out of room: half the answer, or the cap if that is smaller.
  const half = Math.max(1, Math.floor(countTokens(text) / 2));
  const lengthCap = fault?.kind === 'length' ? Math.min(cap ?? half, half) : cap;
  if (lengthCap !== undefined && countTokens(text) > lengthCap) {
    text = text.slice(0, lengthCap * 4);
    finishReason = 'length';
  }
  if (fault?.kind === 'length_valid_json') finishReason = 'length';

  const message: AssistantMessage = { role: 'assistant', content: text, refusal: null, annotations: [] };
  let completionTokens = countTokens(text);
  if (fault?.kind === 'refusal') {
    message.content = null;
    message.refusal = REFUSAL_TEXT;
    finishReason = 'stop';
    completionTokens = countTokens(REFUSAL_TEXT);
  } else if (fault?.kind === 'content_filter') {
    message.content = null;
    finishReason = 'content_filter';
    completionTokens = 0;
  } else if (tool) {
    message.content = null;
    message.tool_calls = [
      { id: `call_${randomId(24)}`, type: 'function', function: { name: tool.name, arguments: text } },
    ];
  }

  const choices = Array.from({ length: request.n ?? 1 }, (_, index) => ({
    index,
    message,
    logprobs: null,
    finish_reason: finishReason,
  }));
  return {
    id: `chatcmpl-sim-${randomId(24)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices,
    usage: {
      prompt_tokens: options.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: options.promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: options.cachedTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * The keyword classifier's answer for the text; when the text names no category and the request has images, a
 * category chosen by the images' digest with confidence 0.9, so that the same images always get the same answer.
 */
function classifyWithImages(text: string, categories: readonly string[], images?: RequestImages): AnswerFields {
  const fromText = classify(text, categories);
  if (!images || fromText.confidence > NO_KEYWORDS_CONFIDENCE || categories.length === 0) return fromText;
  const category = categories[Number.parseInt(images.digest.slice(0, 8), 16) % categories.length] ?? fromText.category;
  return {
    category,
    confidence: 0.9,
    reasoning: `[simulated] Read ${images.count} image${images.count === 1 ? '' : 's'}; they look like ${category}.`,
  };
}

/** A random alphanumeric id of `length` characters. */
export function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * The function the model is to call: the one `tool_choice` names, else the first tool unless `tool_choice` is
 * 'none'. OpenAI finishes a forced call with 'stop' and a chosen one with 'tool_calls'.
 */
function selectedTool(
  request: ChatRequest,
): { name: string; parameters: JsonSchema | undefined; forced: boolean } | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none') return undefined;
  const forcedName = typeof choice === 'object' && choice !== null ? choice.function.name : undefined;
  const tool = forcedName === undefined ? tools[0] : tools.find((t) => t.function.name === forcedName);
  if (!tool) return undefined;
  return { name: tool.function.name, parameters: tool.function.parameters, forced: forcedName !== undefined };
}

function jsonSchemaOf(request: ChatRequest): JsonSchema | undefined {
  const format = request.response_format;
  return format?.type === 'json_schema' ? format.json_schema.schema : undefined;
}

/** A casing variant or synonym of `category` that is not one of `categories`. */
function outOfTaxonomy(category: string, categories: readonly string[]): string {
  const lower = category.toLowerCase();
  const candidates = [
    lower.charAt(0).toUpperCase() + lower.slice(1),
    category.toUpperCase(),
    lower,
    ...(SYNONYMS[lower] ?? []),
    `${lower}-related`,
  ];
  return candidates.find((candidate) => !categories.includes(candidate)) ?? `${category}?`;
}

import { ApplicationFailure } from '@temporalio/activity';
import { listDocumentImages } from '../../db/document-files.js';
import { getDocument, type DocumentRow } from '../../db/queries.js';
import type { Pool } from '../../db/pool.js';
import { imageContentParts } from '../../extraction/vision-input.js';
import type { AnswerSchemas } from '../../llm/answer-schemas.js';
import { chunkCount, chunkText } from '../../llm/chunks.js';
import { contextWindow } from '../../llm/models.js';
import { buildMessages, messageText, type ChatMessage, type ImagePart } from '../../llm/prompt.js';
import { loadPrompts, type PromptTemplate } from '../../llm/prompts.js';
import { countTokens, TOKENS_PER_MESSAGE } from '../../llm/tokens.js';
import { ERROR_TYPES } from '../../shared/errors.js';
import type { AttemptScope } from './scope.js';
import type { ClassifyWithLlmInput, LlmActivityDeps } from './types.js';

/**
 * Tokens a chunk leaves unused below the context window: cutting at token boundaries and encoding a piece again can
 * count a few tokens more than the slice held.
 */
const CHUNK_MARGIN_TOKENS = 256;

/** The request of one attempt, and the token counts that admission and the pre-flight check use. */
export interface PlannedRequest {
  request: {
    model: string;
    messages: ChatMessage[];
    response_format: AnswerSchemas['responseFormat'];
    max_completion_tokens: number;
    temperature: number;
  };
  /** Prompt tokens: the messages' text and, for a vision call, the images' tokens. */
  promptTokens: number;
  maxOutputTokens: number;
  /** The request as `samples` keeps it: image parts stand as their type and size, not their bytes. */
  sampled: unknown;
  /** The most tokens the call can take, prompt and output cap: also about the size of this worker's next call. */
  callTokens: number;
}

/** The document to classify; `DocketDocumentNotFound` (not retried) when it is not in the database. */
export async function loadDocument(pool: Pool, documentId: string): Promise<DocumentRow> {
  const document = await getDocument(pool, documentId);
  if (!document) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.documentNotFound,
      message: `document ${documentId} is not in the database`,
      nonRetryable: true,
    });
  }
  return document;
}

/** The prompt version the workflow asked for; an operator failure when this worker does not ship it. */
export function loadPrompt(version: string): PromptTemplate {
  const prompt = loadPrompts().find(version);
  if (!prompt) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.invalidRequest,
      message: `prompt version "${version}" is not in prompts/ on this worker: deploy it, then resume`,
      nonRetryable: true,
    });
  }
  return prompt;
}

/** Tokens the messages' text takes in the prompt, framing included (images are counted apart). */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + countTokens(messageText(m)) + TOKENS_PER_MESSAGE, 0);
}

/**
 * The model a call goes to: DOCKET_VISION_MODEL for a vision call, else the one the workflow asked for. A vision call
 * on a worker without a vision model is a configuration problem (not retried, the document pauses for an operator).
 */
export function callInput(deps: LlmActivityDeps, input: ClassifyWithLlmInput): ClassifyWithLlmInput {
  if (!input.vision) return input;
  const model = deps.extraction?.vision.model;
  if (!model) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.invalidRequest,
      message:
        'the document is read from its images, but DOCKET_VISION_MODEL is not set on this worker: set it, then resume',
      nonRetryable: true,
    });
  }
  return { ...input, model };
}

/** The document's stored page images as image parts, for a vision call; none otherwise. */
export async function loadImageParts(scope: AttemptScope): Promise<ImagePart[]> {
  const { deps, input } = scope;
  if (!input.vision) return [];
  const images = await listDocumentImages(deps.pool, input.documentId);
  return imageContentParts(images, deps.extraction?.vision.detail ?? 'auto');
}

/**
 * Builds the request, after the pre-flight check: a document that cannot fit the model's context window is sent to
 * review (`DocketContextLengthExceeded`) before any money is spent.
 */
export function planRequest(
  scope: AttemptScope,
  parts: { document: DocumentRow; prompt: PromptTemplate; schemas: AnswerSchemas; images?: ImagePart[] },
): PlannedRequest {
  const { input, log } = scope;
  const { prompt, images = [] } = parts;
  // The prompt sets its output cap; DOCKET_MAX_OUTPUT_TOKENS is a ceiling over every prompt.
  const maxOutputTokens = Math.min(prompt.maxOutputTokens, scope.deps.maxOutputTokens);
  const limit = contextWindow(input.model);
  const compose = (text: string) => buildMessages(input.taxonomy, text, input.repair, prompt, images);
  const chunkTokens = chunkBudget(scope, limit - countPromptTokens(compose('')) - maxOutputTokens);
  const text = input.chunk ? chunkOf(parts.document.text, input.chunk.index, chunkTokens) : parts.document.text;
  const messages = compose(text);
  const promptTokens = countPromptTokens(messages) + (input.vision?.tokens ?? 0);
  if (promptTokens + maxOutputTokens > limit) {
    // The chunks a long-document strategy would cut the text into (DOCKET_LONG_DOCUMENTS).
    const chunks = chunkCount(countTokens(text), chunkTokens);
    log.warn({ promptTokens, limit, chunks }, 'document exceeds the context window; no call made');
    throw ApplicationFailure.create({
      type: ERROR_TYPES.contextLengthExceeded,
      message: `the prompt needs ${promptTokens} tokens plus ${maxOutputTokens} for the answer; ${input.model} takes ${limit}`,
      nonRetryable: true,
      details: [{ errorClass: 'input', preflight: true, promptTokens, chunks }],
    });
  }
  const request = {
    model: input.model,
    messages,
    response_format: parts.schemas.responseFormat,
    max_completion_tokens: maxOutputTokens,
    temperature: prompt.temperature,
  };
  const sampled = images.length > 0 ? { ...request, messages: messages.map(withoutImageBytes) } : request;
  return { request, promptTokens, maxOutputTokens, sampled, callTokens: promptTokens + maxOutputTokens };
}

/** The document tokens one chunk holds: what fits beside the prompt and the answer, or less (DOCKET_LONG_DOCUMENTS_TOKENS). */
function chunkBudget(scope: AttemptScope, room: number): number {
  const fits = Math.max(1, room - CHUNK_MARGIN_TOKENS - (scope.input.vision?.tokens ?? 0));
  return Math.min(fits, scope.deps.longDocumentTokens ?? fits);
}

/** Piece `index` of the text cut into chunks; an index past the end is the workflow's mistake, not retried. */
function chunkOf(text: string, index: number, tokens: number): string {
  const piece = chunkText(text, tokens)[index];
  if (piece === undefined) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.invalidRequest,
      message: `chunk ${index} asked for, but the document has fewer chunks of ${tokens} tokens`,
      nonRetryable: true,
    });
  }
  return piece;
}

/** A message as `samples` keeps it: an image part's `data:` URL becomes its start and length. */
function withoutImageBytes(message: ChatMessage): ChatMessage {
  if (message.role !== 'user' || typeof message.content === 'string') return message;
  const content = message.content.map((part) => {
    if (part.type !== 'image_url') return part;
    const { url } = part.image_url;
    return {
      ...part,
      image_url: { ...part.image_url, url: `${url.slice(0, url.indexOf(',') + 1)}… (${url.length} chars)` },
    };
  });
  return { ...message, content };
}

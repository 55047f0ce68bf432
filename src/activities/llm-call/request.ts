import { ApplicationFailure } from '@temporalio/activity';
import { getDocument, type DocumentRow } from '../../db/queries.js';
import type { Pool } from '../../db/pool.js';
import type { AnswerSchemas } from '../../llm/answer-schemas.js';
import { contextWindow } from '../../llm/models.js';
import { buildMessages, type ChatMessage } from '../../llm/prompt.js';
import { loadPrompts, type PromptTemplate } from '../../llm/prompts.js';
import { countTokens, TOKENS_PER_MESSAGE } from '../../llm/tokens.js';
import { ERROR_TYPES } from '../../shared/errors.js';
import type { AttemptScope } from './scope.js';

/** The request of one attempt, and the token counts that admission and the pre-flight check use. */
export interface PlannedRequest {
  request: {
    model: string;
    messages: ChatMessage[];
    response_format: AnswerSchemas['responseFormat'];
    max_completion_tokens: number;
    temperature: number;
  };
  promptTokens: number;
  maxOutputTokens: number;
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

/** Tokens the messages take in the prompt, framing included. */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + countTokens(m.content) + TOKENS_PER_MESSAGE, 0);
}

/**
 * Builds the request, after the pre-flight check: a document that cannot fit the model's context window is sent to
 * review (`DocketContextLengthExceeded`) before any money is spent.
 */
export function planRequest(
  scope: AttemptScope,
  parts: { document: DocumentRow; prompt: PromptTemplate; schemas: AnswerSchemas },
): PlannedRequest {
  const { input, log } = scope;
  const { prompt } = parts;
  // The prompt sets its output cap; DOCKET_MAX_OUTPUT_TOKENS is a ceiling over every prompt.
  const maxOutputTokens = Math.min(prompt.maxOutputTokens, scope.deps.maxOutputTokens);
  const messages = buildMessages(input.taxonomy, parts.document.text, input.repair, prompt);
  const promptTokens = countPromptTokens(messages);
  const limit = contextWindow(input.model);
  if (promptTokens + maxOutputTokens > limit) {
    log.warn({ promptTokens, limit }, 'document exceeds the context window; no call made');
    throw ApplicationFailure.create({
      type: ERROR_TYPES.contextLengthExceeded,
      message: `the prompt needs ${promptTokens} tokens plus ${maxOutputTokens} for the answer; ${input.model} takes ${limit}`,
      nonRetryable: true,
      details: [{ errorClass: 'input', preflight: true, promptTokens }],
    });
  }
  const request = {
    model: input.model,
    messages,
    response_format: parts.schemas.responseFormat,
    max_completion_tokens: maxOutputTokens,
    temperature: prompt.temperature,
  };
  return { request, promptTokens, maxOutputTokens, callTokens: promptTokens + maxOutputTokens };
}

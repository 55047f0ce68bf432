import { createHash } from 'node:crypto';
import { z } from 'zod';
import { classificationOutputSchema } from '../shared/classification.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import { loadPrompts, type PromptTemplate } from './prompts.js';

/** The task every classification prompt belongs to. */
export const CLASSIFY_TASK = 'classify';

/** The newest classification prompt shipped in `prompts/`: the default unless DOCKET_PROMPT_VERSION says otherwise. */
export function defaultPrompt(): PromptTemplate {
  return loadPrompts().latest(CLASSIFY_TASK);
}

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export interface RepairContext {
  /** What the model answered last time (truncated). */
  previousOutput: string;
  /** Why it was rejected. */
  errors: string[];
}

/**
 * Builds the messages. Stable instructions and the taxonomy come first and the document last, so calls for the
 * same taxonomy share a cacheable prefix.
 */
export function buildMessages(
  taxonomy: Taxonomy,
  documentText: string,
  repair?: RepairContext,
  prompt: PromptTemplate = defaultPrompt(),
): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: `${prompt.instructions}\n\nCategories: ${taxonomy.categories.join(', ')}` },
    { role: 'user', content: prompt.inputFormat === 'delimited' ? delimitDocument(documentText) : documentText },
  ];
  if (repair) {
    messages.push(
      { role: 'assistant', content: repair.previousOutput },
      {
        role: 'user',
        content:
          'Your answer was rejected by validation:\n' +
          repair.errors.map((e) => `- ${e}`).join('\n') +
          `\nAnswer again with a JSON object whose category is exactly one of: ${taxonomy.categories.join(', ')}.`,
      },
    );
  }
  return messages;
}

/**
 * Encloses a document between boundary lines (`<<<DOCUMENT tag>>>` … `<<<END DOCUMENT tag>>>`) for prompts with
 * `input_format: delimited`. The tag is derived from the text's own SHA-256, which the text cannot feasibly contain,
 * so no document can close the block early; and it is stable, so retries and samples see the same prompt.
 */
export function delimitDocument(documentText: string): string {
  const tag = createHash('sha256').update(documentText, 'utf8').digest('hex').slice(0, 16);
  return `<<<DOCUMENT ${tag}>>>\n${documentText}\n<<<END DOCUMENT ${tag}>>>`;
}

/** Keywords OpenAI's strict structured outputs reject; zod still enforces them on the answer. */
const UNSUPPORTED_STRICT_KEYWORDS = new Set(['$schema', 'minLength', 'maxLength']);

function stripUnsupported(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripUnsupported);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !UNSUPPORTED_STRICT_KEYWORDS.has(key))
      .map(([key, value]) => [key, stripUnsupported(value)]),
  );
}

/** The `response_format` of a classification request: a strict JSON Schema. */
export interface ResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; strict: true; schema: Record<string, unknown> };
}

/** The strict JSON Schema sent as `response_format`, generated from the zod schema that validates the answers. */
export function responseFormatOf(outputSchema: z.ZodType): ResponseFormat {
  const schema = z.toJSONSchema(outputSchema, { target: 'draft-7', io: 'input' });
  return {
    type: 'json_schema',
    json_schema: { name: 'classification', strict: true, schema: stripUnsupported(schema) as Record<string, unknown> },
  };
}

/** The strict JSON Schema sent as `response_format` for `taxonomy`, from the same zod schema that validates answers. */
export function responseFormat(taxonomy: Taxonomy): ResponseFormat {
  return responseFormatOf(classificationOutputSchema(taxonomy.categories));
}

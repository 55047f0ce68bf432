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

/** An image content part (a `data:` URL and its detail), as the Chat Completions API takes it. */
export type ImagePart = { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto' } };

/** A part of a message's content: its text, or an image of the document (vision calls). */
export type ContentPart = { type: 'text'; text: string } | ImagePart;

/** A message of a classification request; only the document's (a user message) may hold images. */
export type ChatMessage =
  { role: 'system' | 'assistant'; content: string } | { role: 'user'; content: string | ContentPart[] };

/** What the text part says of a document that only its images hold (a scan, a photo). */
export const IMAGES_ONLY_TEXT = '(The document is the attached page images; it has no text layer.)';

export interface RepairContext {
  /** What the model answered last time (truncated). */
  previousOutput: string;
  /** Why it was rejected. */
  errors: string[];
}

/**
 * Builds the messages. Stable instructions and the taxonomy come first and the document last, so calls for the
 * same taxonomy share a cacheable prefix. With `images` (a vision call), the document's message holds its text part
 * and then the images, in page order.
 */
export function buildMessages(
  taxonomy: Taxonomy,
  documentText: string,
  repair?: RepairContext,
  prompt: PromptTemplate = defaultPrompt(),
  images: readonly ImagePart[] = [],
): ChatMessage[] {
  const text = images.length > 0 && documentText.trim() === '' ? IMAGES_ONLY_TEXT : documentText;
  const document = prompt.inputFormat === 'delimited' ? delimitDocument(text) : text;
  const messages: ChatMessage[] = [
    { role: 'system', content: `${prompt.instructions}\n\nCategories: ${taxonomy.categories.join(', ')}` },
    { role: 'user', content: images.length > 0 ? [{ type: 'text', text: document }, ...images] : document },
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

/** A message's text: its string content, or its text parts joined (image parts have none). */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
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

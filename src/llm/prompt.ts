import { createHash } from 'node:crypto';
import { z } from 'zod';
import { classificationOutputSchema } from '../shared/classification.js';
import type { Taxonomy } from '../shared/taxonomy.js';

/** The version recorded with every call and result. Bump it whenever `INSTRUCTIONS` change. */
export const PROMPT_VERSION = 'classify-v1';

const INSTRUCTIONS = `You are a careful document classifier working for a production data pipeline.
Read the document in the user message and choose exactly one category from the list below.

Rules:
- The category must be copied exactly as written in the list: same spelling, same casing. Never invent a
  category, never use a synonym, never answer "N/A", "unknown" or "none".
- confidence is your probability, between 0 and 1, that a careful human expert would choose the same category.
  Use low values when the document is ambiguous, short, or fits several categories.
- reasoning is one or two sentences naming the evidence in the document that decided the category.
- Answer with the JSON object only.`;

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
export function buildMessages(taxonomy: Taxonomy, documentText: string, repair?: RepairContext): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: `${INSTRUCTIONS}\n\nCategories: ${taxonomy.categories.join(', ')}` },
    { role: 'user', content: documentText },
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

/** The strict JSON Schema sent as `response_format`, generated from the same zod schema that validates answers. */
export function responseFormat(taxonomy: Taxonomy) {
  const schema = z.toJSONSchema(classificationOutputSchema(taxonomy.categories), { target: 'draft-7', io: 'input' });
  return {
    type: 'json_schema' as const,
    json_schema: { name: 'classification', strict: true, schema: stripUnsupported(schema) as Record<string, unknown> },
  };
}

/** Content hash of the prompt a version names, recorded beside the version. */
export function promptHash(): string {
  return createHash('sha256').update(INSTRUCTIONS).digest('hex').slice(0, 12);
}

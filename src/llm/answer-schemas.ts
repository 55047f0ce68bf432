import { classificationOutputSchema } from '../shared/classification.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import { responseFormatOf, type ResponseFormat } from './prompt.js';

/** The zod schema that validates the answers for one taxonomy. */
export type OutputSchema = ReturnType<typeof classificationOutputSchema>;

/** A taxonomy's answer schema in the two forms a call needs. Shared between calls: never modify it. */
export interface AnswerSchemas {
  /** Validates what comes back. */
  output: OutputSchema;
  /** The same schema as the strict JSON Schema sent as `response_format`. */
  responseFormat: ResponseFormat;
}

/** Taxonomies kept by default: far more than a deployment uses at once, few enough to hold no real memory. */
const DEFAULT_MAX_TAXONOMIES = 100;

/**
 * The answer schemas of each taxonomy, built on its first call instead of on every call (the JSON Schema is generated
 * from the zod schema). Keyed by the taxonomy's value (name and categories), so a changed taxonomy gets its own entry
 * and nothing needs resetting; beyond `maxTaxonomies`, the one used least recently is dropped.
 */
export class AnswerSchemaCache {
  readonly #entries = new Map<string, AnswerSchemas>();
  readonly #maxTaxonomies: number;

  constructor(maxTaxonomies = DEFAULT_MAX_TAXONOMIES) {
    this.#maxTaxonomies = maxTaxonomies;
  }

  /** The schemas of `taxonomy`, built once. */
  of(taxonomy: Taxonomy): AnswerSchemas {
    const key = JSON.stringify([taxonomy.name, taxonomy.categories]);
    const cached = this.#entries.get(key);
    // Re-inserted so that the Map's insertion order is the order of last use.
    this.#entries.delete(key);
    const schemas = cached ?? buildAnswerSchemas(taxonomy);
    this.#entries.set(key, schemas);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxTaxonomies) break;
      this.#entries.delete(oldest);
    }
    return schemas;
  }
}

function buildAnswerSchemas(taxonomy: Taxonomy): AnswerSchemas {
  const output = classificationOutputSchema(taxonomy.categories);
  return { output, responseFormat: responseFormatOf(output) };
}

import { z } from 'zod';

/**
 * A model name or prompt version chosen by a caller: the characters model names use (`gpt-4o-mini`,
 * `openrouter/meta-llama/llama-3.1-8b`, `ft:gpt-4o-mini:org::id`, `llama3.1:8b`), at most 200 of them.
 */
export function variantName(what: 'model' | 'promptVersion') {
  return z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/,
      `${what} may use letters, digits and . _ : / @ + - (1–200 characters, starting with a letter or digit)`,
    );
}

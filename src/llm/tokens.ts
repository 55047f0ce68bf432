import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

let encoder: Tiktoken | undefined;

/** Builds the encoder (about a second of CPU): workers do it at start, not in their first call. */
export function loadTokenizer(): Tiktoken {
  encoder ??= new Tiktoken(o200kBase);
  return encoder;
}

/** Tokens of `text` in the o200k encoding of current OpenAI models. */
export function countTokens(text: string): number {
  return loadTokenizer().encode(text, [], []).length;
}

/** OpenAI's per-message framing overhead. */
export const TOKENS_PER_MESSAGE = 4;

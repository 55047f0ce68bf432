import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

let encoder: Tiktoken | undefined;

/** Tokens of `text` in the o200k encoding of current OpenAI models (loaded once, on first use). */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(o200kBase);
  return encoder.encode(text, [], []).length;
}

/** OpenAI's per-message framing overhead. */
export const TOKENS_PER_MESSAGE = 4;

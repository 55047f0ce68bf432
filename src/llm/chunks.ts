import { loadTokenizer } from './tokens.js';

/**
 * A long document's text cut into consecutive pieces of at most `tokens` tokens each (o200k, as the pre-flight counts
 * them), at token boundaries, so that every piece fits a budget the whole text exceeds. Deterministic: every attempt
 * and every chunk call of a document cuts it the same way.
 */
export function chunkText(text: string, tokens: number): string[] {
  const size = Math.max(1, Math.floor(tokens));
  const encoder = loadTokenizer();
  const encoded = encoder.encode(text, [], []);
  const pieces: string[] = [];
  for (let start = 0; start < encoded.length; start += size) {
    pieces.push(encoder.decode(encoded.slice(start, start + size)));
  }
  return pieces;
}

/** How many pieces of at most `tokens` tokens a text of `textTokens` tokens is cut into. */
export function chunkCount(textTokens: number, tokens: number): number {
  return Math.max(1, Math.ceil(textTokens / Math.max(1, Math.floor(tokens))));
}

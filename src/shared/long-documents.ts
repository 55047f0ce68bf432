import type { ClassificationOutput } from './classification.js';

/** What a document too long for the model's context window gets instead of a review (DOCKET_LONG_DOCUMENTS). */
export const LONG_DOCUMENT_STRATEGY = {
  /** The start of the text that fits, classified once. */
  firstPages: 'first-pages',
  /** The text cut into chunks that fit, each classified, then a majority vote. */
  chunkVote: 'chunk-vote',
} as const;
export type LongDocumentStrategy = (typeof LONG_DOCUMENT_STRATEGY)[keyof typeof LONG_DOCUMENT_STRATEGY];

/**
 * The vote of a long document's chunks (`undefined` for a chunk without a valid answer): the category most chunks
 * chose, a tie going to the higher mean confidence, then to the earlier chunk. Its confidence is the winners' mean
 * confidence times their share of the chunks that answered, so that a split vote is less sure than a unanimous one
 * and can fall below the threshold into review. `undefined` when no chunk answered. Pure: workflows call it.
 */
export function voteOnChunks(answers: readonly (ClassificationOutput | undefined)[]): ClassificationOutput | undefined {
  const valid = answers.filter((a): a is ClassificationOutput => a !== undefined);
  const tally = new Map<string, ClassificationOutput[]>();
  for (const answer of valid) tally.set(answer.category, [...(tally.get(answer.category) ?? []), answer]);
  let best: { category: string; votes: ClassificationOutput[]; mean: number } | undefined;
  for (const [category, votes] of tally) {
    const mean = votes.reduce((sum, v) => sum + v.confidence, 0) / votes.length;
    if (!best || votes.length > best.votes.length || (votes.length === best.votes.length && mean > best.mean)) {
      best = { category, votes, mean };
    }
  }
  if (!best) return undefined;
  const surest = best.votes.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  const confidence = Math.round(best.mean * (best.votes.length / valid.length) * 1000) / 1000;
  return {
    category: best.category,
    confidence,
    reasoning: `${best.votes.length} of ${answers.length} chunks chose ${best.category}: ${surest.reasoning}`.slice(
      0,
      2000,
    ),
  };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { voteOnChunks } from '../../src/shared/long-documents.js';

const answer = (category: string, confidence: number) => ({ category, confidence, reasoning: `about ${category}` });

describe('the vote of a long document’s chunks', () => {
  it('picks the category most chunks chose, less sure when the vote is split', () => {
    const vote = voteOnChunks([answer('legal', 0.9), answer('technical', 0.95), answer('legal', 0.9)]);
    assert.equal(vote?.category, 'legal');
    assert.equal(vote?.confidence, 0.6);
    assert.match(vote?.reasoning ?? '', /^2 of 3 chunks chose legal: about legal/);
  });

  it('keeps a unanimous vote’s mean confidence', () => {
    assert.equal(voteOnChunks([answer('legal', 0.8), answer('legal', 0.9)])?.confidence, 0.85);
  });

  it('breaks a tie by the higher mean confidence, then by the earlier chunk', () => {
    assert.equal(voteOnChunks([answer('legal', 0.6), answer('business', 0.9)])?.category, 'business');
    assert.equal(voteOnChunks([answer('legal', 0.7), answer('business', 0.7)])?.category, 'legal');
  });

  it('counts only the chunks that answered, and gives no vote when none did', () => {
    const vote = voteOnChunks([undefined, answer('marketing', 0.8), undefined]);
    assert.equal(vote?.category, 'marketing');
    assert.equal(vote?.confidence, 0.8);
    assert.equal(voteOnChunks([undefined, undefined]), undefined);
  });
});

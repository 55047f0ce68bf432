import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnswerSchemaCache } from '../../src/llm/answer-schemas.js';
import { responseFormat } from '../../src/llm/prompt.js';
import type { Taxonomy } from '../../src/shared/taxonomy.js';

const contracts: Taxonomy = { name: 'contracts', categories: ['nda', 'lease', 'other'] };

describe('AnswerSchemaCache', () => {
  it('builds the schemas of a taxonomy once, recognising the taxonomy by value', () => {
    const cache = new AnswerSchemaCache();
    const first = cache.of(contracts);
    // Every workflow input is deserialized afresh: the same taxonomy arrives as a new object each call.
    assert.equal(cache.of({ name: 'contracts', categories: ['nda', 'lease', 'other'] }), first);
  });

  it('keeps a taxonomy apart from one with another name, other categories or another order', () => {
    const cache = new AnswerSchemaCache();
    const first = cache.of(contracts);
    for (const other of [
      { ...contracts, name: 'leases' },
      { ...contracts, categories: ['nda', 'lease'] },
      { ...contracts, categories: ['lease', 'nda', 'other'] },
    ]) {
      assert.notEqual(cache.of(other), first, JSON.stringify(other));
    }
  });

  it('sends the JSON Schema the provider always got, and validates with the same categories', () => {
    const schemas = new AnswerSchemaCache().of(contracts);
    assert.deepEqual(schemas.responseFormat, responseFormat(contracts));
    assert.deepEqual(
      (schemas.responseFormat.json_schema.schema['properties'] as Record<string, { enum?: string[] }>)['category']
        ?.enum,
      ['nda', 'lease', 'other'],
    );
    assert.equal(schemas.output.safeParse({ category: 'lease', confidence: 1, reasoning: 'a lease' }).success, true);
    assert.equal(schemas.output.safeParse({ category: 'legal', confidence: 1, reasoning: 'a lease' }).success, false);
  });

  it('holds at most its limit, dropping the taxonomy used least recently', () => {
    const cache = new AnswerSchemaCache(2);
    const taxonomy = (name: string): Taxonomy => ({ name, categories: ['a', 'b'] });
    const a = cache.of(taxonomy('a'));
    const b = cache.of(taxonomy('b'));
    assert.equal(cache.of(taxonomy('a')), a);
    cache.of(taxonomy('c'));
    assert.equal(cache.of(taxonomy('a')), a, 'the most recently used stays');
    assert.notEqual(cache.of(taxonomy('b')), b, 'the least recently used was dropped');
  });
});

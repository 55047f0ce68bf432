import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { answerUsage, answerWithheld, finishReason, judgeAnswer, validateAnswer } from '../../src/llm/answer.js';
import { classificationOutputSchema } from '../../src/shared/classification.js';

const schema = classificationOutputSchema(['technical', 'business', 'legal']);

type Choice = { content?: string | null; finishReason?: ChatCompletion.Choice['finish_reason']; refusal?: string };

/** A completion as the openai SDK hands it over: one choice, or none. */
function completion(choice: Choice | null, usage?: ChatCompletion['usage']): ChatCompletion {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_764_000_000,
    model: 'gpt-4o-mini',
    choices:
      choice === null
        ? []
        : [
            {
              index: 0,
              finish_reason: choice.finishReason ?? 'stop',
              logprobs: null,
              message: { role: 'assistant', content: choice.content ?? null, refusal: choice.refusal ?? null },
            },
          ],
    ...(usage ? { usage } : {}),
  };
}

const answer = (fields: Record<string, unknown>) =>
  completion({
    content: JSON.stringify({ category: 'legal', confidence: 0.9, reasoning: 'A signed contract.', ...fields }),
  });

/** The errors of an answer that must fail validation. */
function errorsOf(c: ChatCompletion): string[] {
  const result = validateAnswer(c, schema);
  assert.equal(result.ok, false, 'the answer passed validation');
  return result.ok ? [] : result.errors;
}

describe('validateAnswer', () => {
  it('accepts an answer in the taxonomy, trimming its reasoning', () => {
    assert.deepEqual(validateAnswer(answer({ reasoning: '  A signed contract. ' }), schema), {
      ok: true,
      output: { category: 'legal', confidence: 0.9, reasoning: 'A signed contract.' },
    });
  });

  it('rejects an answer that is not JSON, keeping what the model wrote for the repair', () => {
    const raw = 'Sure! The category is legal.';
    assert.deepEqual(validateAnswer(completion({ content: raw }), schema), {
      ok: false,
      errors: ['the answer was not valid JSON'],
      raw,
    });
    assert.deepEqual(errorsOf(completion({ content: null })), ['the answer was not valid JSON']);
  });

  it('names every field that does not match the schema', () => {
    assert.match(errorsOf(answer({ confidence: 1.5 })).join('\n'), /^confidence: /);
    assert.match(errorsOf(answer({ confidence: '0.9' })).join('\n'), /^confidence: /);
    assert.match(errorsOf(answer({ reasoning: undefined })).join('\n'), /^reasoning: /);
    assert.deepEqual(
      errorsOf(answer({ confidence: 2, reasoning: 7 })).map((e) => e.split(':')[0]),
      ['confidence', 'reasoning'],
    );
  });

  it('names the answer itself when the problem is not one field', () => {
    assert.match(errorsOf(answer({ note: 'extra' })).join('\n'), /^answer: .*note/);
    assert.match(errorsOf(completion({ content: '42' })).join('\n'), /^answer: /);
  });

  it('rejects a category outside the taxonomy, casing variants included, listing the allowed ones', () => {
    for (const category of ['marketing', 'Legal', 'legal ', '']) {
      const errors = errorsOf(answer({ category }));
      assert.equal(errors.length, 1, category);
      assert.match(errors[0] ?? '', /^category: .*"technical".*"business".*"legal"/, category);
    }
  });

  it('rejects placeholder and empty reasoning', () => {
    for (const reasoning of ['N/A', 'unknown', '  None ', 'TBD', '-']) {
      assert.deepEqual(
        errorsOf(answer({ reasoning })),
        ['reasoning: must not be a placeholder such as "N/A", "unknown" or "none"'],
        reasoning,
      );
    }
    assert.deepEqual(errorsOf(answer({ reasoning: '   ' })), ['reasoning: must not be empty']);
  });

  it('rejects an answer cut off at the output token limit, even when what arrived parses', () => {
    const cut = completion({
      content: '{"category":"legal","confidence":0.9,"reasoning":"A"}',
      finishReason: 'length',
    });
    assert.deepEqual(errorsOf(cut), ['the answer was cut off at the output token limit; answer more briefly']);
  });

  it('rejects a response with no choices', () => {
    assert.deepEqual(validateAnswer(completion(null), schema), {
      ok: false,
      errors: ['the response had no choices'],
      raw: '',
    });
  });
});

describe('answerWithheld', () => {
  it('tells a refusal and a filtered answer apart from an answer', () => {
    assert.equal(
      answerWithheld(completion({ refusal: 'I cannot help with that.' })),
      'the model refused to classify the document',
    );
    assert.equal(
      answerWithheld(completion({ content: '{}', finishReason: 'content_filter' })),
      'the answer was filtered',
    );
    assert.equal(answerWithheld(answer({})), undefined);
    assert.equal(answerWithheld(completion({ content: 'x', refusal: '' })), undefined);
    assert.equal(answerWithheld(completion(null)), undefined);
  });
});

describe('judgeAnswer', () => {
  it('judges a refusal before validating, so that it goes to a person rather than to a repair', () => {
    const refused = completion({
      content: JSON.stringify({ category: 'legal', confidence: 0.9, reasoning: 'x' }),
      refusal: 'No.',
    });
    assert.deepEqual(judgeAnswer(refused, schema), {
      kind: 'withheld',
      reason: 'the model refused to classify the document',
    });
  });

  it('passes on what validation found', () => {
    assert.deepEqual(judgeAnswer(answer({}), schema), {
      kind: 'valid',
      output: { category: 'legal', confidence: 0.9, reasoning: 'A signed contract.' },
    });
    assert.deepEqual(judgeAnswer(completion({ content: 'nope' }), schema), {
      kind: 'invalid',
      errors: ['the answer was not valid JSON'],
      raw: 'nope',
    });
  });
});

describe('answerUsage and finishReason', () => {
  it('reads the tokens the provider counted, cached ones included', () => {
    const usage = {
      prompt_tokens: 1200,
      completion_tokens: 40,
      total_tokens: 1240,
      prompt_tokens_details: { cached_tokens: 1024 },
    };
    assert.deepEqual(answerUsage(completion({ content: '{}' }, usage)), {
      inputTokens: 1200,
      cachedTokens: 1024,
      outputTokens: 40,
    });
  });

  it('counts zero where the provider reported nothing', () => {
    assert.deepEqual(answerUsage(completion({ content: '{}' })), { inputTokens: 0, cachedTokens: 0, outputTokens: 0 });
    assert.deepEqual(
      answerUsage(completion({ content: '{}' }, { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 })),
      { inputTokens: 5, cachedTokens: 0, outputTokens: 1 },
    );
  });

  it('reads the finish reason of the first choice', () => {
    assert.equal(finishReason(completion({ content: '{}', finishReason: 'length' })), 'length');
    assert.equal(finishReason(completion(null)), null);
  });
});

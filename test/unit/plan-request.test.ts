import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { LlmActivityDeps } from '../../src/activities/classify-with-llm.js';
import { planRequest } from '../../src/activities/llm-call/request.js';
import type { AttemptScope } from '../../src/activities/llm-call/scope.js';
import type { DocumentRow } from '../../src/db/queries.js';
import { createLogger } from '../../src/logger.js';
import { AnswerSchemaCache } from '../../src/llm/answer-schemas.js';
import { defaultPrompt, type ImagePart } from '../../src/llm/prompt.js';
import { DEFAULT_TAXONOMY, ERROR_TYPES } from '../../src/shared/index.js';

const schemas = new AnswerSchemaCache().of(DEFAULT_TAXONOMY);
const IMAGE: ImagePart = { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(4000)}` } };

/** The scope of an attempt, as far as planning a request reads it. */
function scope(input: Partial<AttemptScope['input']>, deps: Partial<LlmActivityDeps> = {}): AttemptScope {
  return {
    deps: { maxOutputTokens: 300, ...deps } as LlmActivityDeps,
    input: {
      documentId: 'doc-1',
      taxonomy: DEFAULT_TAXONOMY,
      model: 'gpt-4o-mini',
      promptVersion: defaultPrompt().version,
      ...input,
    },
    workflowId: 'classify-doc-1',
    runId: 'run',
    attempt: 1,
    callKey: 'key',
    log: createLogger({ level: 'silent' }),
    notes: { waitedMs: 0 },
  };
}
const document = (text: string) => ({ id: 'doc-1', text }) as DocumentRow;
const plan = (s: AttemptScope, text: string, images?: ImagePart[]) =>
  planRequest(s, { document: document(text), prompt: defaultPrompt(), schemas, ...(images ? { images } : {}) });

describe('planning a request', () => {
  it('counts a vision call’s image tokens in the prompt tokens that pacing and the budget reserve', () => {
    const text = plan(scope({}), 'A receipt.').promptTokens;
    const vision = plan(scope({ vision: { tokens: 7_000 } }), 'A receipt.', [IMAGE]);
    // The text part differs only by the images' presence; the images' tokens come on top.
    assert.ok(vision.promptTokens >= text + 7_000 - 5 && vision.promptTokens <= text + 7_000 + 20);
    assert.equal(vision.callTokens, vision.promptTokens + vision.maxOutputTokens);
  });

  it('sends the images after the text part, and keeps them out of the sampled request', () => {
    const planned = plan(scope({ vision: { tokens: 85 } }), '', [IMAGE]);
    const user = planned.request.messages[1];
    assert.ok(user && Array.isArray(user.content));
    assert.deepEqual(
      user.content.map((p) => p.type),
      ['text', 'image_url'],
    );
    assert.match(user.content[0]?.type === 'text' ? user.content[0].text : '', /attached page images/);
    assert.doesNotMatch(JSON.stringify(planned.sampled), /AAAAAAAA/);
    assert.match(JSON.stringify(planned.sampled), /4022 chars/);
  });

  it('refuses before any call when the images do not fit the context window', () => {
    assert.throws(
      () => plan(scope({ vision: { tokens: 200_000 } }), 'A receipt.', [IMAGE]),
      (err: unknown) => err instanceof ApplicationFailure && err.type === ERROR_TYPES.contextLengthExceeded,
    );
  });

  it('tells how many chunks of DOCKET_LONG_DOCUMENTS_TOKENS a long text cuts into, and sends one', () => {
    const text = 'The contract sets out the liability of each party. '.repeat(14_000);
    const deps = { longDocumentTokens: 50_000 };
    assert.throws(
      () => plan(scope({}, deps), text),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure);
        assert.equal(err.type, ERROR_TYPES.contextLengthExceeded);
        assert.deepEqual((err.details?.[0] as { chunks?: number }).chunks, 3);
        return true;
      },
    );
    const last = plan(scope({ chunk: { index: 2, count: 3 } }, deps), text);
    assert.ok(last.promptTokens < 50_000, `${last.promptTokens} prompt tokens`);
    assert.throws(
      () => plan(scope({ chunk: { index: 3, count: 4 } }, deps), text),
      (err: unknown) => err instanceof ApplicationFailure && err.type === ERROR_TYPES.invalidRequest,
    );
  });
});

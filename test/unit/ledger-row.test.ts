import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { ledgerRow, sampledResponse, startedRow, type StartedCall } from '../../src/activities/llm-call/ledger-row.js';
import type { ReceivedAnswer } from '../../src/activities/llm-call/provider-call.js';
import type { ClassifyWithLlmInput } from '../../src/activities/classify-with-llm.js';
import type { AnswerVerdict } from '../../src/llm/answer.js';
import type { MappedFailure } from '../../src/llm/provider-errors/index.js';

const startedAt = new Date('2026-11-24T10:00:00Z');
const input: ClassifyWithLlmInput = {
  documentId: 'doc-1',
  taxonomy: { name: 'default', categories: ['technical', 'legal'] },
  model: 'gpt-4o-mini',
  promptVersion: 'v2',
};
const scope = { callKey: 'classify-doc-1/run-1/3/2', workflowId: 'classify-doc-1', runId: 'run-1', attempt: 2, input };

/** The row written before the request, column by column. */
const STARTED: StartedCall = {
  callKey: 'classify-doc-1/run-1/3/2',
  documentId: 'doc-1',
  workflowId: 'classify-doc-1',
  runId: 'run-1',
  activityAttempt: 2,
  purpose: 'classify',
  model: 'gpt-4o-mini',
  promptVersion: 'v2',
  promptHash: 'abc123def456',
  variant: null,
  taxonomy: 'default',
  inputTokens: 0,
  cachedTokens: 0,
  outputTokens: 0,
  costUsd: null,
  priced: false,
  httpStatus: null,
  errorClass: null,
  errorType: null,
  finishReason: null,
  parseOk: null,
  requestId: null,
  startedAt,
};

function received(finishReason: ChatCompletion.Choice['finish_reason'], priced = true): ReceivedAnswer {
  return {
    completion: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 0,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          finish_reason: finishReason,
          logprobs: null,
          message: { role: 'assistant', content: '{}', refusal: null },
        },
      ],
    },
    requestId: 'req_1',
    latencyMs: 840,
    usage: { inputTokens: 1200, cachedTokens: 1024, outputTokens: 40 },
    costUsd: priced ? 0.0001 : null,
    priced,
  };
}

/** What an answer adds to the started row, whatever the verdict. */
const ANSWERED = {
  ...STARTED,
  inputTokens: 1200,
  cachedTokens: 1024,
  outputTokens: 40,
  costUsd: 0.0001,
  priced: true,
  latencyMs: 840,
  httpStatus: 200,
  requestId: 'req_1',
};

describe('startedRow', () => {
  it('writes who makes the call and nothing of its outcome', () => {
    assert.deepEqual(startedRow(scope, 'abc123def456', startedAt), STARTED);
  });

  it("names the call's purpose: classify, repair with a repair context, or what the workflow said", () => {
    const repair = { previousOutput: '{', errors: ['the answer was not valid JSON'] };
    assert.equal(startedRow({ ...scope, input: { ...input, repair } }, 'h').purpose, 'repair');
    assert.equal(startedRow({ ...scope, input: { ...input, repair, purpose: 'cascade' } }, 'h').purpose, 'cascade');
    assert.equal(startedRow({ ...scope, input: { ...input, purpose: 'compare' } }, 'h').purpose, 'compare');
  });

  it('records the canary variant when the document was routed to one', () => {
    assert.equal(startedRow({ ...scope, input: { ...input, variant: 'candidate' } }, 'h').variant, 'candidate');
  });
});

describe('ledgerRow', () => {
  it('records a cancelled call as an error that cost nothing', () => {
    assert.deepEqual(ledgerRow(STARTED, { kind: 'cancelled', latencyMs: 12 }), {
      ...STARTED,
      costUsd: 0,
      priced: true,
      latencyMs: 12,
      outcome: 'error',
      errorType: 'cancelled',
    });
  });

  it('records a failed call with its status, class, type and request id, priced at nothing', () => {
    const failure: MappedFailure = {
      errorClass: 'transient',
      type: 'DocketServerError',
      message: '503 server_error: overloaded',
      status: 503,
      code: 'server_error',
      requestId: 'req_9',
    };
    assert.deepEqual(ledgerRow(STARTED, { kind: 'failed', latencyMs: 95, failure, outage: true }), {
      ...STARTED,
      costUsd: 0,
      priced: true,
      latencyMs: 95,
      outcome: 'error',
      httpStatus: 503,
      errorClass: 'transient',
      errorType: 'DocketServerError',
      requestId: 'req_9',
      outage: true,
    });
  });

  it('leaves the status and request id empty for a failure without an answer', () => {
    const failure: MappedFailure = {
      errorClass: 'transient',
      type: 'DocketTimeout',
      message: 'the LLM call timed out',
    };
    const row = ledgerRow(STARTED, { kind: 'failed', latencyMs: 30_000, failure, outage: false });
    assert.deepEqual([row.httpStatus, row.requestId, row.outage], [null, null, false]);
  });

  it('records a valid answer with its tokens, cost and confidence', () => {
    const verdict = {
      kind: 'valid',
      output: { category: 'legal', confidence: 0.91, reasoning: 'a contract' },
    } as const;
    assert.deepEqual(ledgerRow(STARTED, { kind: 'answered', answer: received('stop'), verdict }), {
      ...ANSWERED,
      finishReason: 'stop',
      outcome: 'ok',
      parseOk: true,
      confidence: 0.91,
    });
  });

  it('records an invalid answer as a parse failure of the output, tokens and cost included', () => {
    const verdict: AnswerVerdict = { kind: 'invalid', errors: ['the answer was cut off'], raw: '{' };
    assert.deepEqual(ledgerRow(STARTED, { kind: 'answered', answer: received('length'), verdict }), {
      ...ANSWERED,
      finishReason: 'length',
      outcome: 'invalid_output',
      errorClass: 'output',
      errorType: 'invalid_output',
      parseOk: false,
    });
  });

  it('records a refused or filtered answer as an input error, tokens and cost included', () => {
    const verdict = { kind: 'withheld', reason: 'the answer was filtered' } as const;
    assert.deepEqual(ledgerRow(STARTED, { kind: 'answered', answer: received('content_filter'), verdict }), {
      ...ANSWERED,
      finishReason: 'content_filter',
      outcome: 'error',
      errorClass: 'input',
      errorType: 'DocketContentFiltered',
      parseOk: false,
    });
  });

  it('records the cost of a model missing from the price table as unknown, not zero', () => {
    const verdict = { kind: 'valid', output: { category: 'legal', confidence: 0.5, reasoning: 'x' } } as const;
    const row = ledgerRow(STARTED, { kind: 'answered', answer: received('stop', false), verdict });
    assert.deepEqual([row.costUsd, row.priced], [null, false]);
  });
});

describe('sampledResponse', () => {
  it('keeps the answer, or the failure without its headers, and nothing for a cancellation', () => {
    const answer = received('stop');
    const verdict = { kind: 'valid', output: { category: 'legal', confidence: 0.5, reasoning: 'x' } } as const;
    assert.equal(sampledResponse({ kind: 'answered', answer, verdict }), answer.completion);
    const failure: MappedFailure = {
      errorClass: 'operator',
      type: 'DocketAuthentication',
      message: '401',
      status: 401,
    };
    assert.deepEqual(sampledResponse({ kind: 'failed', latencyMs: 1, failure, outage: false }), {
      error: '401',
      status: 401,
      code: undefined,
    });
    assert.equal(sampledResponse({ kind: 'cancelled', latencyMs: 1 }), undefined);
  });
});

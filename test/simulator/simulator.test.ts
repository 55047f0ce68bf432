import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { startSimulator, type FaultKind, type FaultSpec, type Simulator } from '../../src/simulator/index.js';

const CATEGORIES = ['technical', 'business', 'legal', 'marketing', 'other'];

const CLASSIFICATION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'confidence', 'reasoning'],
  properties: {
    category: { type: 'string', enum: CATEGORIES },
    confidence: { type: 'number' },
    reasoning: { type: 'string' },
  },
};

/** A structured-output classification request for `text`. */
function classification(text: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}) {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system' as const, content: 'Classify the document.' },
      { role: 'user' as const, content: text },
    ],
    response_format: {
      type: 'json_schema' as const,
      json_schema: { name: 'classification', strict: true, schema: CLASSIFICATION_SCHEMA },
    },
    ...extra,
  } satisfies ChatCompletionCreateParamsNonStreaming;
}

function clientFor(sim: Simulator, options: { timeout?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: sim.baseUrl, maxRetries: 0, ...options });
}

/** The error a call rejects with, asserting that it does reject. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('simulator', () => {
  let sim: Simulator;
  let client: OpenAI;

  before(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  describe('answers without faults', () => {
    it('classifies a document into the schema enum with usage and OpenAI headers', async () => {
      const { data, response } = await client.chat.completions
        .create(classification('The API server crashed after the deploy; database latency spiked.'))
        .withResponse();
      const choice = data.choices[0];
      assert.ok(choice);
      assert.equal(choice.finish_reason, 'stop');
      assert.match(data.id, /^chatcmpl-sim-/);
      assert.equal(data.object, 'chat.completion');
      assert.equal(data.system_fingerprint, 'docket-simulator');
      const answer = JSON.parse(choice.message.content ?? '') as Record<string, unknown>;
      assert.equal(answer['category'], 'technical');
      assert.ok(
        typeof answer['confidence'] === 'number' && answer['confidence'] >= 0.55 && answer['confidence'] <= 0.97,
      );
      assert.match(String(answer['reasoning']), /^\[simulated\] /);
      assert.ok(data.usage && data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0);
      assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);
      assert.equal(response.headers.get('x-docket-simulator'), 'true');
      assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
      assert.ok(response.headers.get('x-ratelimit-remaining-requests'));
      assert.ok(response.headers.get('openai-processing-ms'));
    });

    it('gives the same answer to the same input and picks categories by keywords', async () => {
      const text = 'The contract clause on liability must follow GDPR compliance rules.';
      const first = await client.chat.completions.create(classification(text));
      const second = await client.chat.completions.create(classification(text));
      assert.equal(first.choices[0]?.message.content, second.choices[0]?.message.content);
      assert.equal(JSON.parse(first.choices[0]?.message.content ?? '').category, 'legal');
      const business = await client.chat.completions.create(classification('Quarterly revenue and profit grew.'));
      assert.equal(JSON.parse(business.choices[0]?.message.content ?? '').category, 'business');
    });

    it('falls back to other with confidence 0.3 when nothing matches', async () => {
      const result = await client.chat.completions.create(classification('Lorem ipsum dolor sit amet.'));
      const answer = JSON.parse(result.choices[0]?.message.content ?? '');
      assert.deepEqual([answer.category, answer.confidence], ['other', 0.3]);
    });

    it('reads categories from a "Categories:" line when there is no schema', async () => {
      const result = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: 'Answer in JSON.\nCategories: billing, bug, other' },
          { role: 'user', content: 'I found a bug: the export button throws.' },
        ],
      });
      assert.equal(JSON.parse(result.choices[0]?.message.content ?? '').category, 'bug');
    });

    it('answers a forced function call with tool_calls arguments', async () => {
      const result = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Our brand campaign launch on social media.' }],
        tools: [{ type: 'function', function: { name: 'classify', parameters: CLASSIFICATION_SCHEMA } }],
        tool_choice: { type: 'function', function: { name: 'classify' } },
      });
      const message = result.choices[0]?.message;
      assert.equal(message?.content, null);
      const call = message?.tool_calls?.[0];
      assert.ok(call && call.type === 'function');
      assert.equal(call.function.name, 'classify');
      assert.equal(JSON.parse(call.function.arguments).category, 'marketing');
    });

    it('reports cached tokens for a repeated stable prefix of at least 1024 tokens', async () => {
      const system = `Classify the document. ${'Guidelines apply to every document. '.repeat(150)}`;
      const request = (text: string) => ({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system' as const, content: system },
          { role: 'user' as const, content: text },
        ],
      });
      const prefixTokens = Math.ceil(system.length / 4) + 4;
      assert.ok(prefixTokens >= 1024);
      const first = await client.chat.completions.create(request('first document'));
      const second = await client.chat.completions.create(request('second document'));
      assert.equal(first.usage?.prompt_tokens_details?.cached_tokens, 0);
      assert.equal(second.usage?.prompt_tokens_details?.cached_tokens, Math.floor(prefixTokens / 128) * 128);
    });

    it('cuts the answer at max_tokens with finish_reason length', async () => {
      const result = await client.chat.completions.create(classification('Server bug.', { max_tokens: 5 }));
      assert.equal(result.choices[0]?.finish_reason, 'length');
      assert.equal(result.choices[0]?.message.content?.length, 20);
      assert.equal(result.usage?.completion_tokens, 5);
    });

    it('lists models and answers 404 model_not_found for an unknown one', async () => {
      const ids = [];
      for await (const model of client.models.list()) ids.push(model.id);
      assert.ok(ids.includes('gpt-4o-mini') && ids.includes('o4-mini'));
      assert.equal((await client.models.retrieve('gpt-4.1')).id, 'gpt-4.1');
      const error = await failure(client.chat.completions.create({ ...classification('x'), model: 'gpt-9' }));
      assert.ok(error instanceof NotFoundError);
      assert.equal(error.code, 'model_not_found');
      assert.equal(error.message, '404 The model `gpt-9` does not exist or you do not have access to it.');
    });

    it('rejects a missing bearer token with 401 and a malformed body with 400', async () => {
      const noKey = await fetch(`${sim.baseUrl}/chat/completions`, { method: 'POST', body: '{}' });
      assert.equal(noKey.status, 401);
      const noKeyBody = (await noKey.json()) as { error: { type: string; code: unknown } };
      assert.deepEqual([noKeyBody.error.type, noKeyBody.error.code], ['invalid_request_error', null]);

      const malformed = await fetch(`${sim.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
        body: '{"model": "gpt-4o-mini", "messages": [',
      });
      assert.equal(malformed.status, 400);
      assert.match(((await malformed.json()) as { error: { message: string } }).error.message, /could not parse/);

      const missing = await failure(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
      assert.ok(missing instanceof BadRequestError);
      assert.deepEqual([missing.param, missing.code], ['messages', 'empty_array']);
      assert.equal(sim.requests.length, 3);
    });

    it('enforces the context window with context_length_exceeded', async () => {
      const small = await startSimulator({ profile: { contextWindow: { 'gpt-4o-mini': 50 } } });
      try {
        const error = await failure(clientFor(small).chat.completions.create(classification('word '.repeat(200))));
        assert.ok(error instanceof BadRequestError);
        assert.deepEqual(
          [error.code, error.param, error.type],
          ['context_length_exceeded', 'messages', 'invalid_request_error'],
        );
        assert.match(error.message, /maximum context length is 50 tokens\. However, your messages resulted in \d+/);
      } finally {
        await small.close();
      }
    });
  });

  describe('error faults', () => {
    const cases: {
      fault: FaultSpec;
      cls: new (...args: never[]) => APIError;
      status: number;
      code: unknown;
      type: string;
    }[] = [
      { fault: 'rate_limit', cls: RateLimitError, status: 429, code: 'rate_limit_exceeded', type: 'requests' },
      {
        fault: 'insufficient_quota',
        cls: RateLimitError,
        status: 429,
        code: 'insufficient_quota',
        type: 'insufficient_quota',
      },
      {
        fault: 'context_length_exceeded',
        cls: BadRequestError,
        status: 400,
        code: 'context_length_exceeded',
        type: 'invalid_request_error',
      },
      { fault: 'invalid_request', cls: BadRequestError, status: 400, code: null, type: 'invalid_request_error' },
      {
        fault: 'unauthorized',
        cls: AuthenticationError,
        status: 401,
        code: 'invalid_api_key',
        type: 'invalid_request_error',
      },
      {
        fault: 'forbidden',
        cls: PermissionDeniedError,
        status: 403,
        code: 'unsupported_country_region_territory',
        type: 'request_forbidden',
      },
      {
        fault: 'model_not_found',
        cls: NotFoundError,
        status: 404,
        code: 'model_not_found',
        type: 'invalid_request_error',
      },
      { fault: 'server_error', cls: InternalServerError, status: 500, code: null, type: 'server_error' },
      { fault: 'bad_gateway', cls: InternalServerError, status: 502, code: 502, type: 'cf_bad_gateway' },
      { fault: 'overloaded', cls: InternalServerError, status: 503, code: null, type: 'server_error' },
      { fault: 'overloaded_529', cls: InternalServerError, status: 529, code: 'overloaded', type: 'server_error' },
      {
        fault: 'content_policy_violation',
        cls: BadRequestError,
        status: 400,
        code: 'content_policy_violation',
        type: 'invalid_request_error',
      },
    ];
    for (const { fault, cls, status, code, type } of cases) {
      it(`surfaces ${JSON.stringify(fault)} as ${cls.name} ${status}`, async () => {
        sim.addRule({ match: 'doc-err', faults: [fault] });
        const error = await failure(client.chat.completions.create(classification('doc-err text')));
        assert.ok(error instanceof cls, `got ${String(error)}`);
        assert.ok(error instanceof APIError);
        assert.deepEqual([error.status, error.code, error.type], [status, code, type]);
        assert.match(error.requestID ?? '', /^req_/);
        assert.equal(error.headers?.get('x-docket-simulator'), 'true');
        assert.equal(sim.requests[0]?.status, status);
      });
    }

    it('sends retry-after and retry-after-ms with a rate_limit fault', async () => {
      sim.addRule({ match: '*', faults: ['rate_limit', { kind: 'rate_limit', retryAfterMs: 2500 }] });
      const first = await failure(client.chat.completions.create(classification('a')));
      const second = await failure(client.chat.completions.create(classification('b')));
      assert.ok(first instanceof RateLimitError && second instanceof RateLimitError);
      assert.deepEqual([first.headers?.get('retry-after'), first.headers?.get('retry-after-ms')], ['1', '1000']);
      assert.deepEqual([second.headers?.get('retry-after'), second.headers?.get('retry-after-ms')], ['3', '2500']);
      assert.equal(second.headers?.get('x-ratelimit-remaining-requests'), '0');
      assert.equal(sim.requests[1]?.retryAfterMs, 2500);
    });

    it('sends no retry-after with insufficient_quota', async () => {
      sim.addRule({ match: '*', faults: ['insufficient_quota'] });
      const error = await failure(client.chat.completions.create(classification('a')));
      assert.ok(error instanceof RateLimitError);
      assert.match(error.message, /You exceeded your current quota, please check your plan and billing details/);
      assert.equal(error.headers?.get('retry-after'), null);
      assert.equal(error.headers?.get('retry-after-ms'), null);
    });

    it('resets the connection with reset', async () => {
      sim.addRule({ match: '*', faults: ['reset'] });
      const error = await failure(client.chat.completions.create(classification('a')));
      assert.ok(error instanceof APIConnectionError && !(error instanceof APIConnectionTimeoutError));
    });

    it('hangs until the client times out with hang', async () => {
      sim.addRule({ match: '*', faults: ['hang'] });
      const error = await failure(clientFor(sim, { timeout: 200 }).chat.completions.create(classification('a')));
      assert.ok(error instanceof APIConnectionTimeoutError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(sim.requests[0]?.fault, 'hang');
      assert.ok(sim.requests[0]?.finishedAt !== undefined);
    });

    it('ends hanging requests when it closes', async () => {
      const own = await startSimulator();
      own.addRule({ match: '*', faults: ['hang'] });
      const pending = failure(clientFor(own).chat.completions.create(classification('a')));
      while (own.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await own.close();
      assert.ok((await pending) instanceof APIConnectionError);
    });
  });

  describe('output faults', () => {
    async function answerWith(fault: FaultSpec, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}) {
      sim.addRule({ match: 'doc-out', faults: [fault] });
      const result = await client.chat.completions.create(
        classification('doc-out: the server api has a bug in the code', extra),
      );
      const choice = result.choices[0];
      assert.ok(choice);
      return choice;
    }

    it('writes prose with invalid_json', async () => {
      const choice = await answerWith('invalid_json');
      assert.equal(choice.finish_reason, 'stop');
      assert.throws(() => JSON.parse(choice.message.content ?? ''));
    });

    it('cuts the JSON with truncated_json but still finishes with stop', async () => {
      const choice = await answerWith('truncated_json');
      assert.equal(choice.finish_reason, 'stop');
      assert.match(choice.message.content ?? '', /^\{"category"/);
      assert.throws(() => JSON.parse(choice.message.content ?? ''));
    });

    it('answers a category outside the enum with out_of_taxonomy', async () => {
      const choice = await answerWith('out_of_taxonomy');
      const category = JSON.parse(choice.message.content ?? '').category;
      assert.equal(category, 'Technical');
      const custom = await answerWith({ kind: 'out_of_taxonomy', category: 'engineering' });
      assert.equal(JSON.parse(custom.message.content ?? '').category, 'engineering');
    });

    it('answers placeholder values with placeholder', async () => {
      const answer = JSON.parse((await answerWith('placeholder')).message.content ?? '');
      assert.deepEqual([answer.category, answer.reasoning], ['N/A', 'N/A']);
    });

    it('finishes with length and a cut answer with length', async () => {
      const choice = await answerWith('length');
      assert.equal(choice.finish_reason, 'length');
      assert.throws(() => JSON.parse(choice.message.content ?? ''));
    });

    it('refuses with refusal', async () => {
      const choice = await answerWith('refusal');
      assert.equal(choice.message.content, null);
      assert.equal(choice.message.refusal, "I'm sorry, I can't help with that.");
    });

    it('filters with content_filter', async () => {
      const choice = await answerWith('content_filter');
      assert.deepEqual([choice.finish_reason, choice.message.content], ['content_filter', null]);
    });

    it('answers with low confidence with low_confidence', async () => {
      const low = JSON.parse((await answerWith('low_confidence')).message.content ?? '');
      assert.deepEqual([low.category, low.confidence], ['technical', 0.2]);
      const custom = await answerWith({ kind: 'low_confidence', confidence: 0.35 });
      assert.equal(JSON.parse(custom.message.content ?? '').confidence, 0.35);
    });
  });

  describe('rules', () => {
    it('consumes faults in order, then answers normally; records what it did', async () => {
      sim.addRule({ match: 'doc-A', faults: ['server_error', 'rate_limit'] });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const error = await client.chat.completions.create(classification('doc-A body')).then(
          () => undefined,
          (e: unknown) => e,
        );
        statuses.push(error instanceof APIError ? (error.status ?? 0) : 200);
      }
      assert.deepEqual(statuses, [500, 429, 200]);
      await client.chat.completions.create(classification('doc-B body'));
      assert.deepEqual(
        sim.requestsMatching('doc-A').map((r) => [r.seq, r.fault, r.status]),
        [
          [1, 'server_error', 500],
          [2, 'rate_limit', 429],
          [3, undefined, 200],
        ],
      );
      assert.equal(sim.requestsMatching('doc-B').length, 1);
    });

    it('cycles a repeating rule and lets the first matching rule with faults left win', async () => {
      sim.addRule({ match: 'doc-C', faults: ['server_error'] });
      sim.addRule({ match: '*', faults: ['overloaded', 'bad_gateway'], repeat: true });
      const seen: unknown[] = [];
      for (let i = 0; i < 4; i += 1) {
        seen.push(
          await failure(client.chat.completions.create(classification('doc-C'))).then((e) => (e as APIError).status),
        );
      }
      assert.deepEqual(seen, [500, 503, 502, 503]);
      sim.clearRules();
      await client.chat.completions.create(classification('doc-C'));
    });
  });

  describe('profile', () => {
    it('enforces rpm with a real 429 whose Retry-After is the time until capacity frees', async () => {
      const limited = await startSimulator({ profile: { rpm: 2 } });
      try {
        const limitedClient = clientFor(limited);
        await limitedClient.chat.completions.create(classification('one'));
        await limitedClient.chat.completions.create(classification('two'));
        const error = await failure(limitedClient.chat.completions.create(classification('three')));
        assert.ok(error instanceof RateLimitError);
        assert.deepEqual([error.code, error.type], ['rate_limit_exceeded', 'requests']);
        const retryAfterMs = Number(error.headers?.get('retry-after-ms'));
        assert.ok(retryAfterMs > 59_000 && retryAfterMs <= 60_000, `retry-after-ms ${retryAfterMs}`);
        assert.equal(error.headers?.get('retry-after'), '60');
        assert.equal(error.headers?.get('x-ratelimit-limit-requests'), '2');
        assert.equal(error.headers?.get('x-ratelimit-remaining-requests'), '0');
        assert.equal(limited.requests[2]?.retryAfterMs, retryAfterMs);
      } finally {
        await limited.close();
      }
    });

    it('enforces tpm', async () => {
      const limited = await startSimulator({ profile: { tpm: 200 } });
      try {
        const limitedClient = clientFor(limited);
        await limitedClient.chat.completions.create(classification('x'.repeat(400)));
        const error = await failure(limitedClient.chat.completions.create(classification('x'.repeat(400))));
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.type, 'tokens');
        assert.ok(Number(error.headers?.get('retry-after-ms')) > 0);
      } finally {
        await limited.close();
      }
    });

    it('draws the same faults from the same seed', async () => {
      const profile = { seed: 42, faultRates: { server_error: 0.3, invalid_json: 0.2 } };
      const run = async (): Promise<(FaultKind | undefined)[]> => {
        const own = await startSimulator({ profile });
        try {
          const ownClient = clientFor(own);
          for (let i = 0; i < 20; i += 1) {
            await ownClient.chat.completions.create(classification(`doc ${i}`)).catch(() => undefined);
          }
          return own.requests.map((r) => r.fault);
        } finally {
          await own.close();
        }
      };
      const first = await run();
      assert.deepEqual(await run(), first);
      assert.ok(first.includes('server_error') && first.includes('invalid_json') && first.includes(undefined));
    });

    it('adds latency from the profile', async () => {
      const slow = await startSimulator({ profile: { latencyMs: { min: 150, max: 150 } } });
      try {
        const started = Date.now();
        await clientFor(slow).chat.completions.create(classification('a'));
        assert.ok(Date.now() - started >= 145);
      } finally {
        await slow.close();
      }
    });
  });

  describe('provider outages and gateway-style answers', () => {
    it('answers every request with 503 during an outage, whatever the rules, then normally again', async () => {
      sim.startOutage(300);
      sim.addRule({ match: 'doc-outage', faults: ['low_confidence'] });
      const during = await failure(client.chat.completions.create(classification('doc-outage one')));
      assert.ok(during instanceof InternalServerError && during.status === 503);
      await new Promise((resolve) => setTimeout(resolve, 350));
      const after = await client.chat.completions.create(classification('doc-outage two'));
      assert.equal(JSON.parse(after.choices[0]?.message.content ?? '{}').confidence, 0.2, 'rules apply again');

      const control = await fetch(`${sim.url}/_sim/outage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ durationMs: 60_000, kind: 'bad_gateway' }),
      });
      assert.equal(control.status, 201);
      const gateway = await failure(client.chat.completions.create(classification('doc-outage three')));
      assert.ok(gateway instanceof APIError && gateway.status === 502);
      assert.equal((await fetch(`${sim.url}/_sim/outage`, { method: 'DELETE' })).status, 204);
      await client.chat.completions.create(classification('doc-outage four'));
    });

    it('sends a bare 429 with no rate-limit header, code or type', async () => {
      sim.addRule({ match: 'doc-bare', faults: ['bare_429'] });
      const error = await failure(client.chat.completions.create(classification('doc-bare')));
      assert.ok(error instanceof RateLimitError);
      assert.equal(error.code, undefined);
      assert.equal(error.message, '429 Too Many Requests');
      const names: string[] = [];
      error.headers.forEach((_, name) => names.push(name));
      assert.deepEqual(
        names.filter((n) => n.startsWith('x-ratelimit') || n.startsWith('retry-after')),
        [],
      );
    });

    it('writes Retry-After as an HTTP date and x-should-retry when asked', async () => {
      sim.addRule({
        match: 'doc-date',
        faults: [{ kind: 'server_error', retryAfterMs: 2_000, retryAfterFormat: 'http-date', shouldRetry: false }],
      });
      const sent = Date.now();
      const error = await failure(client.chat.completions.create(classification('doc-date')));
      assert.ok(error instanceof InternalServerError);
      const date = Date.parse(error.headers.get('retry-after') ?? '');
      assert.ok(
        date >= sent + 2_000 - 1_000 && date <= sent + 4_000,
        `retry-after ${error.headers.get('retry-after')}`,
      );
      assert.equal(error.headers.get('retry-after-ms'), null);
      assert.equal(error.headers.get('x-should-retry'), 'false');
    });

    it('answers length_valid_json with a whole, valid answer and finish_reason length', async () => {
      sim.addRule({ match: 'doc-len', faults: ['length_valid_json'] });
      const answer = await client.chat.completions.create(classification('doc-len the server is down'));
      assert.equal(answer.choices[0]?.finish_reason, 'length');
      assert.ok(CATEGORIES.includes(JSON.parse(answer.choices[0]?.message.content ?? '{}').category));
    });

    it('answers content_policy_violation with a 400 of that code', async () => {
      sim.addRule({ match: 'doc-policy', faults: ['content_policy_violation'] });
      const error = await failure(client.chat.completions.create(classification('doc-policy')));
      assert.ok(error instanceof BadRequestError && error.code === 'content_policy_violation');
    });
  });

  describe('HTTP controls', () => {
    it('adds rules, lists requests, sets the profile and resets over /_sim', async () => {
      const control = (path: string, method: string, body?: unknown) =>
        fetch(`${sim.url}/_sim/${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });

      assert.equal((await control('rules', 'POST', { match: 'doc-http', faults: ['overloaded'] })).status, 201);
      assert.equal((await control('rules', 'POST', { match: 'x', faults: ['nonsense'] })).status, 400);
      const error = await failure(client.chat.completions.create(classification('doc-http one')));
      assert.ok(error instanceof InternalServerError && error.status === 503);

      assert.equal((await control('rules', 'POST', { match: 'doc-http', faults: ['overloaded'] })).status, 201);
      assert.equal((await control('rules', 'DELETE')).status, 204);
      await client.chat.completions.create(classification('doc-http two'));

      const listed = (await (await control('requests?match=doc-http', 'GET')).json()) as { status: number }[];
      assert.deepEqual(
        listed.map((r) => r.status),
        [503, 200],
      );

      const profile = await control('profile', 'PUT', { rpm: 1, defaultRetryAfterMs: 250 });
      assert.equal(profile.status, 200);
      assert.equal(((await profile.json()) as { rpm: number }).rpm, 1);
      const limited = await failure(client.chat.completions.create(classification('doc-http three')));
      assert.ok(limited instanceof RateLimitError);
      assert.equal((await control('profile', 'PUT', { rpm: null })).status, 200);

      assert.equal((await control('reset', 'POST')).status, 204);
      assert.deepEqual(await (await control('requests', 'GET')).json(), []);
      await client.chat.completions.create(classification('doc-http four'));
    });
  });
});

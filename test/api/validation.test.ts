import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HTTPException } from 'hono/http-exception';
import { createApp } from '../../src/api/app.js';
import { toHttpError } from '../../src/api/http-error.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { submitReviewUpdate } from '../../src/shared/messages.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

interface ErrorBody {
  error: { code: string; message: string };
}

/** Metadata nested `levels` deep, written as JSON text (JSON.stringify itself overflows near 5,000 levels). */
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('request validation: client input never gets a 5xx, and nothing is stored altered', () => {
  let env: DocketTestEnv;
  let app: ReturnType<typeof createApp>;
  const run = randomUUID().slice(0, 8);

  before(async () => {
    env = await startDocket();
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger: env.logger });
  });
  after(() => env.stop());

  const call = (
    method: string,
    path: string,
    options: { body?: string; type?: string; as?: keyof typeof TEST_TOKENS } = {},
  ) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKENS[options.as ?? 'admin']}`,
        ...(options.body !== undefined ? { 'content-type': options.type ?? 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
  const post = (path: string, body: unknown) => call('POST', path, { body: JSON.stringify(body) });
  const expectError = async (res: Response, status: number, message?: RegExp) => {
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(typeof body.error.code, 'string');
    if (message) assert.match(body.error.message, message);
    return body.error.message;
  };
  const documentCount = async () => Number((await env.pool.query('SELECT count(*) AS n FROM documents')).rows[0].n);

  describe('the eighteen requests that answered 500', () => {
    it('refuses a NUL character in metadata with 400, for a document and for a whole batch, storing nothing', async () => {
      const before = await documentCount();
      const doc = { text: `a document ${run}`, metadata: { source: 'mail\u0000box' } };
      await expectError(await post('/v1/documents', doc), 400, /^metadata\.source: contains a NUL character/);
      await expectError(await post('/v1/documents', { text: 'x', metadata: { 'k\u0000': 1 } }), 400, /NUL/);
      const batch = { documents: [{ text: `fine ${run}` }, doc] };
      await expectError(await post('/v1/batches', batch), 400, /^documents\[1\]\.metadata\.source: contains a NUL/);
      assert.equal(await documentCount(), before);
    });

    it('refuses metadata nested 5,000 levels with 400 naming the limit', async () => {
      for (const path of ['/v1/documents', '/v1/batches']) {
        const meta = deepJson(5000);
        const body =
          path === '/v1/documents'
            ? `{"text":"deep ${run}","metadata":${meta}}`
            : `{"documents":[{"text":"deep ${run}","metadata":${meta}}]}`;
        await expectError(await call('POST', path, { body }), 400, /nests \d+ levels deep; the limit is 32/);
      }
    });

    it('refuses %00 in the id of each of the five id routes with 400', async () => {
      const routes: [string, string, string?][] = [
        ['GET', '/v1/documents/bad%00id'],
        ['POST', '/v1/documents/bad%00id/review', JSON.stringify({ category: 'legal' })],
        ['POST', '/v1/documents/bad%00id/resume'],
        ['GET', '/v1/batches/bad%00id'],
        ['GET', '/v1/compare/bad%00id'],
      ];
      for (const [method, path, body] of routes) {
        const res = await call(method, path, { ...(body ? { body } : {}), as: 'admin' });
        await expectError(res, 400, /^id in the path may use letters/);
      }
    });

    it('refuses out-of-range relative dates in the reports with 400 saying how to write one', async () => {
      for (const path of ['/v1/report?since=99999999999d', '/v1/reports/agreement?since=9999999h']) {
        await expectError(await call('GET', path), 400, /^since: "\d+[dh]" is not a date: use an ISO date/);
      }
      assert.equal((await call('GET', '/v1/report?since=30d')).status, 200);
      assert.equal((await call('GET', '/v1/reports/agreement?since=2026-01-01')).status, 200);
    });

    it('answers POST /v1/canary with malformed JSON, an empty body, text/plain or NaN with a 4xx', async () => {
      await expectError(await call('POST', '/v1/canary', { body: '{"share":' }), 400, /not valid JSON/);
      await expectError(await call('POST', '/v1/canary', { body: '' }), 400, /empty/);
      await expectError(
        await call('POST', '/v1/canary', { body: 'share=1', type: 'text/plain' }),
        415,
        /application\/json/,
      );
      await expectError(await call('POST', '/v1/canary', { body: '{"share":NaN,"model":"m"}' }), 400, /not valid JSON/);
      assert.equal((await env.pool.query('SELECT count(*)::int AS n FROM canaries')).rows[0].n, 0);
    });
  });

  describe('input that used to be accepted but altered', () => {
    it('refuses a __proto__ metadata key with 400 instead of dropping it', async () => {
      const body = `{"text":"proto ${run}","metadata":{"__proto__":{"admin":true},"kept":1}}`;
      await expectError(await call('POST', '/v1/documents', { body }), 400, /"__proto__" is not allowed: rename it/);
    });

    it('refuses numbers a 64-bit float cannot hold exactly (1e999, big integers) with 400', async () => {
      const cases = ['1e999', '12345678901234567890', '9007199254740993', '0.1000000000000000000001'];
      for (const n of cases) {
        const body = `{"text":"numbers ${run}","metadata":{"amount":${n}}}`;
        await expectError(
          await call('POST', '/v1/documents', { body }),
          400,
          /^metadata\.amount: the number .* send it as a string/,
        );
      }
    });

    it('stores metadata exactly when every value is representable', async () => {
      const id = `exact-${run}`;
      const body = `{"id":"${id}","text":"exact ${run}","metadata":{"max":9007199254740991,"f":0.1,"e":1e300,"constructor":"c","u":"é😀"}}`;
      assert.equal((await call('POST', '/v1/documents', { body, as: 'submitter' })).status, 202);
      const { rows } = await env.pool.query('SELECT metadata FROM documents WHERE id = $1', [id]);
      assert.deepEqual(rows[0].metadata, { max: 9007199254740991, f: 0.1, e: 1e300, constructor: 'c', u: 'é😀' });
    });

    it('refuses metadata over 64 KiB and unpaired surrogates anywhere with 400', async () => {
      const big = { text: `big ${run}`, metadata: { blob: 'x'.repeat(64 * 1024) } };
      await expectError(await post('/v1/documents', big), 400, /^metadata is larger than 65536 bytes/);
      const lone = `{"text":"lone ${run} \\ud800","metadata":{}}`;
      await expectError(
        await call('POST', '/v1/documents', { body: lone }),
        400,
        /^text: contains an unpaired UTF-16 surrogate/,
      );
    });

    it('refuses text made only of zero-width and other invisible characters with 400', async () => {
      for (const text of ['\u200b\u200b\u200b', '\u200d \ufeff\u2060', '\u00ad\n\u3164']) {
        await expectError(await post('/v1/documents', { text }), 400, /^text is empty/);
      }
    });

    it('refuses application/json-patch+json and other charsets with 415', async () => {
      const body = JSON.stringify({ text: `patch ${run}` });
      await expectError(await call('POST', '/v1/documents', { body, type: 'application/json-patch+json' }), 415);
      await expectError(await call('POST', '/v1/documents', { body, type: 'application/json; charset=latin1' }), 415);
      const ok = await call('POST', '/v1/documents', {
        body,
        type: 'application/json; charset=UTF-8',
        as: 'submitter',
      });
      assert.equal(ok.status, 202);
    });

    it('refuses a 5,000-character or otherwise unusable model name for a canary with 400', async () => {
      await expectError(await post('/v1/canary', { share: 0.1, model: 'm'.repeat(5000) }), 400, /^model may use/);
      await expectError(await post('/v1/canary', { share: 0.1, model: 'gpt 4o\n' }), 400, /^model may use/);
      await expectError(
        await post('/v1/compare', { documents: [{ text: 'x' }], a: { model: 'm'.repeat(201) }, b: {} }),
        400,
        /^a\.model may use/,
      );
      assert.equal((await env.pool.query('SELECT count(*)::int AS n FROM canaries')).rows[0].n, 0);
    });

    it('refuses limit=0x10 and other non-decimal numbers in a query with 400', async () => {
      for (const limit of ['0x10', '1e1', '+5', '5.0', ' 5', '0', '501']) {
        const res = await call('GET', `/v1/samples?limit=${encodeURIComponent(limit)}`);
        await expectError(res, 400, /^limit: ".*" is not a whole number from 1 to 500/);
      }
      assert.equal((await call('GET', '/v1/samples?limit=16')).status, 200);
    });
  });

  describe('errors in the caller’s terms', () => {
    it('says a missing text is required and what it holds', async () => {
      await expectError(await post('/v1/documents', {}), 400, /^text is required: the document's text as a string$/);
      await expectError(
        await post('/v1/documents', { text: 5 }),
        400,
        /^text must be the document's text as a string, not a number$/,
      );
      const batch = await post('/v1/batches', { documents: [{ text: 'ok' }, { id: 'x' }] });
      await expectError(batch, 400, /^documents\[1\]\.text is required/);
    });

    it('names an unknown field and the field that was probably meant', async () => {
      await expectError(
        await post('/v1/documents', { txt: 'hello' }),
        400,
        /^unknown field "txt": did you mean "text"\?$/,
      );
      await expectError(
        await post('/v1/documents', { text: 'hello', colour: 'blue' }),
        400,
        /^unknown field "colour": the fields are id, text, metadata, taxonomy, mode$/,
      );
      const review = await post('/v1/documents/some-id/review', { categroy: 'legal' });
      await expectError(review, 400, /did you mean "category"\?/);
    });

    it('names the modes a submission may ask for', async () => {
      for (const path of ['/v1/documents', '/v1/batches']) {
        const body =
          path === '/v1/documents'
            ? { text: 'hello', mode: 'overnight' }
            : { documents: [{ text: 'hello' }], mode: 'overnight' };
        await expectError(await post(path, body), 400, /mode must be "realtime" or "batch_api"/);
      }
    });

    it('names an unknown query parameter instead of ignoring it', async () => {
      await expectError(
        await call('GET', '/v1/samples?limt=5'),
        400,
        /^unknown query parameter "limt": did you mean "limit"\?$/,
      );
      await expectError(await call('GET', '/v1/report?sinse=7d'), 400, /did you mean "since"\?/);
      await expectError(
        await call('GET', '/v1/reports/agreement?x=1'),
        400,
        /^unknown query parameter "x": the query parameters are since$/,
      );
    });

    it('words bounds, choices and wrong types as what to send', async () => {
      await expectError(await post('/v1/canary', { share: 2, model: 'm' }), 400, /^share must be at most 1$/);
      await expectError(
        await call('GET', '/v1/report?format=xml'),
        400,
        /^format must be one of "json", "text", "html"$/,
      );
      await expectError(
        await post('/v1/documents', { text: 'hello', metadata: [1] }),
        400,
        /^metadata must be a JSON object of your own fields, not an array$/,
      );
      await expectError(
        await post('/v1/documents/x/review', { category: 'legal', note: 'n'.repeat(4001) }),
        400,
        /^note is longer than 4000 characters/,
      );
    });

    it('words a bad canary in DOCKET_CANARY exactly as POST /v1/canary words it', async () => {
      const canaries = [
        { share: 2, model: 'm' },
        { share: 0.1 },
        { shar: 0.1, model: 'm' },
        { model: 'm' },
        { share: 'a tenth', model: 'm' },
        { share: 0.1, model: 'gpt 4o' },
        { share: 0.1, model: 'm', minCalls: 0 },
        { share: 0.1, model: 'm', maxParseFailureRate: 1.5 },
        { share: 0.1, promptVersion: 'classify-v9' },
      ];
      for (const canary of canaries) {
        const answered = await expectError(await post('/v1/canary', canary), 400);
        assert.throws(
          () => loadConfig({ DOCKET_CANARY: JSON.stringify(canary) }),
          (err: Error) =>
            err instanceof ConfigError && err.message === `invalid configuration:\n  DOCKET_CANARY: ${answered}`,
          `DOCKET_CANARY=${JSON.stringify(canary)} should say "${answered}"`,
        );
      }
      assert.equal((await env.pool.query('SELECT count(*)::int AS n FROM canaries')).rows[0].n, 0);
    });

    it("keeps Hono's own 4xx (malformed JSON in its validator) a 4xx, and leaves 5xx to the error handler", () => {
      const malformed = toHttpError(new HTTPException(400, { message: 'Malformed JSON in request body' }));
      assert.deepEqual(malformed?.toBody(), {
        error: { code: 'bad_request', message: 'Malformed JSON in request body' },
      });
      assert.equal(toHttpError(new HTTPException(413))?.status, 413);
      assert.equal(toHttpError(new HTTPException(503)), undefined);
      assert.equal(toHttpError(new Error('boom')), undefined);
    });

    it('answers every error with { error: { code, message } }', async () => {
      const res = await call('POST', '/v1/canary', { body: '{' });
      assert.deepEqual(Object.keys((await res.json()) as object), ['error']);
    });
  });

  describe('review races', () => {
    it('answers a review with 409, not 404, once the workflow it would decide has ended', async () => {
      const id = `race-${run}`;
      env.sim.addRule({ match: `[race-${run}]`, faults: ['low_confidence'] });
      assert.equal((await post('/v1/documents', { id, text: `An ambiguous memo [race-${run}]` })).status, 202);
      await waitFor(
        async () => (await (await call('GET', `/v1/documents/${id}`)).json()) as { status: string },
        (d) => d.status === 'pending_review',
      );
      await env.client.workflow.getHandle(`classify-${id}`).terminate('an operator ended it');
      const res = await post(`/v1/documents/${id}/review`, { category: 'legal' });
      await expectError(res, 409, /no longer waiting for review \(its workflow terminated\)/);
    });

    it('rejects a review outside the taxonomy sent as a Temporal update as not retryable', async () => {
      const id = `update-${run}`;
      env.sim.addRule({ match: `[update-${run}]`, faults: ['low_confidence'] });
      assert.equal((await post('/v1/documents', { id, text: `A vague memo [update-${run}]` })).status, 202);
      await waitFor(
        async () => (await (await call('GET', `/v1/documents/${id}`)).json()) as { status: string },
        (d) => d.status === 'pending_review',
      );
      const failure = await env.client.workflow
        .getHandle(`classify-${id}`)
        .executeUpdate(submitReviewUpdate, { args: [{ category: 'poetry', reviewer: 'ann' }] })
        .then(
          () => assert.fail('the update should be rejected'),
          (err: unknown) => err as WorkflowUpdateFailedError,
        );
      assert.ok(failure instanceof WorkflowUpdateFailedError);
      assert.ok(failure.cause instanceof ApplicationFailure);
      assert.equal(failure.cause.type, 'DocketCategoryNotInTaxonomy');
      assert.equal(failure.cause.nonRetryable, true);
      assert.match(failure.cause.message, /"poetry" is not in taxonomy "default": use one of/);
    });

    it('gives the losers of concurrent reviews 409 and the winner 200', async () => {
      const id = `race-many-${run}`;
      env.sim.addRule({ match: `[race-many-${run}]`, faults: ['low_confidence'] });
      assert.equal((await post('/v1/documents', { id, text: `Another memo [race-many-${run}]` })).status, 202);
      await waitFor(
        async () => (await (await call('GET', `/v1/documents/${id}`)).json()) as { status: string },
        (d) => d.status === 'pending_review',
      );
      const answers = await Promise.all(
        ['legal', 'other', 'business', 'technical'].map((category) =>
          call('POST', `/v1/documents/${id}/review`, { body: JSON.stringify({ category }), as: 'reviewer' }),
        ),
      );
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409, 409, 409]);
    });
  });
});

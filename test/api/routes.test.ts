import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import type { DocumentView } from '../../src/documents/schemas.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const MAX_DOCUMENT_BYTES = 1000;
const MAX_BATCH_DOCUMENTS = 5;

interface ErrorBody {
  error: { code: string; message: string };
}

describe('the HTTP API', () => {
  let env: DocketTestEnv;
  let app: ReturnType<typeof createApp>;
  // Unique per run, so that simulator rules and request counts match only this file's documents.
  const run = randomUUID().slice(0, 8);
  const marker = (name: string) => `[${name}-${run}]`;

  before(async () => {
    env = await startDocket({
      env: {
        DOCKET_MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES),
        DOCKET_MAX_BATCH_DOCUMENTS: String(MAX_BATCH_DOCUMENTS),
        DOCKET_TAXONOMIES: JSON.stringify({ support: ['billing', 'bug', 'other'] }),
      },
    });
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger: env.logger });
  });
  after(() => env.stop());

  /** A request with a JSON body (unless `raw` is given) and the token of `as`. */
  const call = (
    method: string,
    path: string,
    options: {
      as?: keyof typeof TEST_TOKENS | null;
      token?: string;
      body?: unknown;
      raw?: BodyInit;
      type?: string;
    } = {},
  ) => {
    const headers: Record<string, string> = {};
    const token = options.token ?? (options.as === null ? undefined : TEST_TOKENS[options.as ?? 'admin']);
    if (token) headers.authorization = `Bearer ${token}`;
    const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    if (body !== undefined) headers['content-type'] = options.type ?? 'application/json';
    return app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  const submit = (body: unknown) => call('POST', '/v1/documents', { as: 'submitter', body });
  const getDocument = async (id: string) => (await (await call('GET', `/v1/documents/${id}`)).json()) as DocumentView;
  const waitForStatus = (id: string, status: string) =>
    waitFor(
      () => getDocument(id),
      (d) => d.status === status,
    );
  const expectError = async (res: Response, status: number, code: string, message?: RegExp) => {
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
    if (message) assert.match(body.error.message, message);
    return body;
  };
  const documentCount = async () => Number((await env.pool.query('SELECT count(*) AS n FROM documents')).rows[0].n);

  describe('health and discovery', () => {
    it('answers /healthz with 200 and no token when Temporal and the database are reachable', async () => {
      const res = await app.request('/healthz');
      assert.equal(res.status, 200);
      const { provider, ...checks } = (await res.json()) as { provider?: { breaker: string } };
      assert.deepEqual(checks, { status: 'ok', database: 'ok', temporal: 'ok' });
      assert.equal(provider?.breaker, 'closed', 'the provider as the workers see it, reported beside the checks');
    });

    it('serves an OpenAPI document that lists every route', async () => {
      const res = await app.request('/openapi.json');
      assert.equal(res.status, 200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.equal(doc.openapi, '3.1.0');
      const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      );
      assert.deepEqual(routes.sort(), [
        'DELETE /v1/documents/{id}',
        'GET /healthz',
        'GET /v1/batches/{id}',
        'GET /v1/canary',
        'GET /v1/compare/{id}',
        'GET /v1/documents/{id}',
        'GET /v1/documents/{id}/file',
        'GET /v1/documents/{id}/pages/{n}',
        'GET /v1/documents/{id}/text',
        'GET /v1/reclassify/{id}',
        'GET /v1/report',
        'GET /v1/reports/agreement',
        'GET /v1/reviews',
        'GET /v1/samples',
        'POST /codec/decode',
        'POST /codec/encode',
        'POST /v1/batches',
        'POST /v1/batches/{id}/cancel',
        'POST /v1/canary',
        'POST /v1/canary/promote',
        'POST /v1/canary/rollback',
        'POST /v1/compare',
        'POST /v1/documents',
        'POST /v1/documents/{id}/resume',
        'POST /v1/documents/{id}/review',
        'POST /v1/reclassify',
        'POST /v1/resume',
      ]);
    });

    it('answers an unknown route with a 404 error body', async () => {
      await expectError(await call('GET', '/v1/nothing-here'), 404, 'not_found');
      await expectError(await call('DELETE', '/v1/documents/some-id'), 404, 'not_found');
    });
  });

  describe('authentication and roles', () => {
    it('refuses a request without a token with 401', async () => {
      await expectError(await call('GET', '/v1/documents/any', { as: null }), 401, 'unauthorized', /Bearer/);
      await expectError(await call('POST', '/v1/documents', { as: null, body: { text: 'x' } }), 401, 'unauthorized');
    });

    it('checks the token before the body: an anonymous malformed or oversized request still gets 401', async () => {
      await expectError(
        await call('POST', '/v1/documents', { as: null, raw: '{"text":', type: 'application/json' }),
        401,
        'unauthorized',
      );
      await expectError(
        await call('POST', '/v1/documents', { as: null, raw: 'plain', type: 'text/plain' }),
        401,
        'unauthorized',
      );
      await expectError(
        await call('POST', '/v1/batches', { as: null, raw: '{', type: 'application/json' }),
        401,
        'unauthorized',
      );
    });

    it('refuses an unknown token with 401, not 403', async () => {
      await expectError(
        await call('GET', '/v1/reviews', { token: 'not-a-real-token-0123456789' }),
        401,
        'unauthorized',
      );
    });

    it('refuses a submitter token on reviewer routes with 403', async () => {
      await expectError(await call('GET', '/v1/reviews', { as: 'submitter' }), 403, 'forbidden', /reviewer/);
      const review = await call('POST', '/v1/documents/any/review', { as: 'submitter', body: { category: 'legal' } });
      await expectError(review, 403, 'forbidden');
    });

    it('refuses a reviewer token on submitter and admin routes with 403', async () => {
      await expectError(await call('POST', '/v1/documents', { as: 'reviewer', body: { text: 'x' } }), 403, 'forbidden');
      await expectError(await call('POST', '/v1/resume', { as: 'reviewer' }), 403, 'forbidden', /admin/);
      await expectError(await call('POST', '/v1/documents/any/resume', { as: 'submitter' }), 403, 'forbidden');
    });
  });

  describe('POST /v1/documents', () => {
    it('accepts a document with 202 and classifies it', async () => {
      const id = `accept-${run}`;
      const res = await submit({
        id,
        text: `The deploy broke the kubernetes cluster ${marker('accept')}`,
        metadata: { a: 1 },
      });
      assert.equal(res.status, 202);
      assert.deepEqual(await res.json(), { id, status: 'classifying' });
      const doc = await waitForStatus(id, 'completed');
      assert.equal(doc.result?.category, 'technical');
      assert.equal(doc.result?.decidedBy, 'model');
      assert.equal(doc.taxonomy, 'default');
      assert.equal(doc.calls, 1);
    });

    it('treats the same id and text again as the same document: 202 and no second LLM call', async () => {
      const id = `same-${run}`;
      const text = `Quarterly revenue and the sales pipeline ${marker('same')}`;
      assert.equal((await submit({ id, text })).status, 202);
      await waitForStatus(id, 'completed');
      const again = await submit({ id, text });
      assert.equal(again.status, 202);
      assert.deepEqual(await again.json(), { id, status: 'completed' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(env.sim.requestsMatching(marker('same')).length, 1);
      const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM llm_calls WHERE document_id = $1', [id]);
      assert.equal(rows[0].n, 1);
    });

    it('refuses the same id with other text with 409', async () => {
      const id = `conflict-${run}`;
      assert.equal((await submit({ id, text: `first text ${marker('conflict')}` })).status, 202);
      await expectError(await submit({ id, text: 'other text' }), 409, 'conflict', /different text/);
      const { rows } = await env.pool.query('SELECT text FROM documents WHERE id = $1', [id]);
      assert.deepEqual(rows, [{ text: `first text ${marker('conflict')}` }]);
    });

    it('derives the id from the content when none is given, and a resubmission stores no second row', async () => {
      const text = `A contract clause on liability ${marker('derived')}`;
      const first = (await (await submit({ text })).json()) as { id: string };
      assert.match(first.id, /^doc-[0-9a-f]{32}$/);
      const again = await submit({ text });
      assert.equal(again.status, 202);
      assert.equal(((await again.json()) as { id: string }).id, first.id);
      const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM documents WHERE text = $1', [text]);
      assert.equal(rows[0].n, 1);
      await waitForStatus(first.id, 'completed');
      assert.equal(env.sim.requestsMatching(marker('derived')).length, 1);
    });

    it('classifies under a configured taxonomy and rejects an unknown one with 400', async () => {
      const res = await submit({
        id: `support-${run}`,
        text: 'A billing question: I was charged twice',
        taxonomy: 'support',
      });
      assert.equal(res.status, 202);
      const doc = await waitForStatus(`support-${run}`, 'completed');
      assert.equal(doc.taxonomy, 'support');
      assert.equal(doc.result?.category, 'billing');
      await expectError(
        await submit({ text: 'hello', taxonomy: 'no-such-taxonomy' }),
        400,
        'bad_request',
        /unknown taxonomy/,
      );
    });

    it('rejects empty and blank text with 400', async () => {
      await expectError(await submit({ text: '' }), 400, 'bad_request', /empty/);
      await expectError(await submit({ text: ' \n\t ' }), 400, 'bad_request', /empty/);
      await expectError(await submit({}), 400, 'bad_request', /text/);
    });

    it('rejects binary text (control characters) with 400', async () => {
      await expectError(await submit({ text: 'PK\u0003\u0004\u0000\u0000binary' }), 400, 'bad_request', /binary/);
    });

    it('rejects a body that is not valid UTF-8 with 400', async () => {
      const raw = Buffer.concat([
        Buffer.from('{"text":"caf'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"}'),
      ]);
      const res = await call('POST', '/v1/documents', { as: 'submitter', raw: new Uint8Array(raw) });
      await expectError(res, 400, 'bad_request', /UTF-8/);
    });

    it('rejects a document over DOCKET_MAX_DOCUMENT_BYTES with 413, counting bytes and not characters', async () => {
      const before = await documentCount();
      assert.equal((await submit({ id: `fits-${run}`, text: 'é'.repeat(MAX_DOCUMENT_BYTES / 2) })).status, 202);
      const tooLarge = await submit({ id: `too-large-${run}`, text: 'é'.repeat(MAX_DOCUMENT_BYTES / 2 + 1) });
      await expectError(tooLarge, 413, 'payload_too_large', /DOCKET_MAX_DOCUMENT_BYTES/);
      assert.equal(await documentCount(), before + 1);
    });

    it('rejects a request body past its size limit with 413 before reading the document', async () => {
      const res = await submit({ text: 'x'.repeat(200_000) });
      await expectError(res, 413, 'payload_too_large');
    });

    it('rejects malformed JSON with 400', async () => {
      const res = await call('POST', '/v1/documents', { as: 'submitter', raw: '{"text": "unterminated' });
      await expectError(res, 400, 'bad_request', /not valid JSON/);
    });

    it('rejects another content type with 415', async () => {
      const res = await call('POST', '/v1/documents', { as: 'submitter', raw: 'plain text', type: 'text/plain' });
      await expectError(res, 415, 'unsupported_media_type', /application\/json/);
      const form = await call('POST', '/v1/documents/any/review', {
        raw: 'category=legal',
        type: 'application/x-www-form-urlencoded',
      });
      await expectError(form, 415, 'unsupported_media_type');
    });

    it('rejects unknown fields, a malformed id and non-object metadata with 400', async () => {
      await expectError(await submit({ text: 'hello', colour: 'blue' }), 400, 'bad_request');
      await expectError(
        await submit({ id: 'has spaces/and slashes', text: 'hello' }),
        400,
        'bad_request',
        /^id may use/,
      );
      await expectError(await submit({ text: 'hello', metadata: [1, 2] }), 400, 'bad_request', /metadata/);
    });
  });

  describe('GET /v1/documents/:id', () => {
    it('answers an unknown id with 404', async () => {
      await expectError(await call('GET', `/v1/documents/missing-${run}`), 404, 'not_found', /no document/);
    });

    it('shows the calls and cost of a classified document to any role', async () => {
      const id = `any-role-${run}`;
      await submit({ id, text: `Marketing campaign launch plan ${marker('any-role')}` });
      await waitForStatus(id, 'completed');
      for (const role of ['submitter', 'reviewer', 'admin'] as const) {
        const res = await call('GET', `/v1/documents/${id}`, { as: role });
        assert.equal(res.status, 200);
        const doc = (await res.json()) as DocumentView;
        assert.equal(doc.status, 'completed');
        assert.equal(doc.calls, 1);
        assert.ok(doc.costUsd > 0);
        assert.ok(doc.result?.model && doc.result.promptVersion);
      }
    });
  });

  describe('reviews', () => {
    it('queues a low-confidence document for review, and a reviewer decides it', async () => {
      const id = `review-${run}`;
      env.sim.addRule({ match: marker('review'), faults: ['low_confidence'] });
      await submit({ id, text: `An ambiguous memo about several things ${marker('review')}` });
      const pending = await waitForStatus(id, 'pending_review');
      assert.equal(pending.review?.reason, 'low_confidence');
      assert.equal(pending.review?.suggestion?.confidence, 0.2);

      const queue = await waitFor(
        async () =>
          (await (await call('GET', '/v1/reviews', { as: 'reviewer' })).json()) as { reviews: { id: string }[] },
        (q) => q.reviews.some((r) => r.id === id),
      );
      const item = queue.reviews.find((r) => r.id === id) as unknown as Record<string, unknown>;
      assert.equal(item.reason, 'low_confidence');
      assert.deepEqual(item.categories, ['technical', 'business', 'legal', 'marketing', 'other']);

      await expectError(
        await call('POST', `/v1/documents/${id}/review`, { as: 'reviewer', body: { category: 'poetry' } }),
        400,
        'bad_request',
        /taxonomy/,
      );
      await expectError(
        await call('POST', `/v1/documents/${id}/review`, { as: 'reviewer', body: { category: 'legal', extra: 1 } }),
        400,
        'bad_request',
      );

      const decided = await call('POST', `/v1/documents/${id}/review`, {
        as: 'reviewer',
        body: { category: 'legal', note: 'clause 4 is an indemnity' },
      });
      assert.equal(decided.status, 200);
      const doc = (await decided.json()) as DocumentView;
      assert.equal(doc.status, 'completed');
      assert.equal(doc.result?.category, 'legal');
      assert.equal(doc.result?.decidedBy, 'human');
      assert.equal(doc.result?.reviewer, 'ann');

      const again = await call('POST', `/v1/documents/${id}/review`, { as: 'reviewer', body: { category: 'other' } });
      await expectError(again, 409, 'conflict');
      assert.equal((await getDocument(id)).result?.category, 'legal');
    });

    it('answers a review of a document that has no pending review with 409, and of an unknown one with 404', async () => {
      const id = `no-review-${run}`;
      await submit({ id, text: `Server latency and database indexes ${marker('no-review')}` });
      await waitForStatus(id, 'completed');
      await expectError(
        await call('POST', `/v1/documents/${id}/review`, { as: 'reviewer', body: { category: 'legal' } }),
        409,
        'conflict',
      );
      await expectError(
        await call('POST', `/v1/documents/missing-${run}/review`, { as: 'reviewer', body: { category: 'legal' } }),
        404,
        'not_found',
      );
    });
  });

  describe('operator pauses', () => {
    it('pauses a document on exhausted quota until an admin resumes it, then completes it', async () => {
      const id = `paused-${run}`;
      env.sim.addRule({ match: marker('paused'), faults: ['insufficient_quota'] });
      await submit({ id, text: `Sales forecast for the next quarter ${marker('paused')}` });
      const paused = await waitForStatus(id, 'paused');
      assert.equal(paused.pause?.reason, 'quota_exhausted');

      const res = await call('POST', `/v1/documents/${id}/resume`, { as: 'admin' });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { resumed: [id] });
      const doc = await waitForStatus(id, 'completed');
      assert.equal(doc.result?.decidedBy, 'model');
    });

    it('answers resuming a document that is not paused with 409, and an unknown one with 404', async () => {
      const id = `not-paused-${run}`;
      await submit({ id, text: `Brand awareness and social ads ${marker('not-paused')}` });
      await waitForStatus(id, 'completed');
      await expectError(await call('POST', `/v1/documents/${id}/resume`), 409, 'conflict', /not paused/);
      await expectError(await call('POST', `/v1/documents/missing-${run}/resume`), 404, 'not_found');
    });

    it('resumes every paused document with POST /v1/resume', async () => {
      const ids = [`all-a-${run}`, `all-b-${run}`];
      env.sim.addRule({ match: marker('resume-all'), faults: ['insufficient_quota', 'insufficient_quota'] });
      for (const id of ids) await submit({ id, text: `Pricing and revenue of ${id} ${marker('resume-all')}` });
      for (const id of ids) await waitForStatus(id, 'paused');
      // The visibility store catches up with the DocketStatus search attribute shortly after the query does.
      await waitFor(
        async () => (await env.client.workflow.count("DocketStatus = 'paused'")).count,
        (n) => n === 2,
      );
      const res = await call('POST', '/v1/resume', { as: 'admin' });
      assert.equal(res.status, 200);
      const { resumed } = (await res.json()) as { resumed: string[] };
      assert.deepEqual([...resumed].sort(), [...ids].sort());
      for (const id of ids) await waitForStatus(id, 'completed');
    });
  });

  describe('batches', () => {
    it('accepts a batch with 202, returns its ids, and counts its documents per status', async () => {
      const res = await call('POST', '/v1/batches', {
        as: 'submitter',
        body: {
          documents: [
            { id: `batch-a-${run}`, text: `Kubernetes upgrade notes ${marker('batch')}` },
            { text: `Non-disclosure agreement terms ${marker('batch')}`, metadata: { source: 'mail' } },
          ],
        },
      });
      assert.equal(res.status, 202);
      const accepted = (await res.json()) as { batchId: string; documents: number; ids: string[] };
      assert.equal(accepted.documents, 2);
      assert.equal(accepted.ids[0], `batch-a-${run}`);
      assert.match(accepted.ids[1] ?? '', /^doc-/);

      type BatchView = {
        batchId: string;
        documents: number;
        counts: Record<string, number>;
        calls: number;
        costUsd: number;
      };
      const view = await waitFor(
        async () => (await (await call('GET', `/v1/batches/${accepted.batchId}`)).json()) as BatchView,
        (v) => v.counts.completed === 2,
      );
      assert.equal(view.batchId, accepted.batchId);
      assert.equal(view.documents, 2);
      assert.deepEqual(view.counts, { classifying: 0, pending_review: 0, paused: 0, completed: 2, failed: 0 });
      assert.equal(view.calls, 2);
      assert.ok(view.costUsd > 0);
    });

    it('rejects a batch over DOCKET_MAX_BATCH_DOCUMENTS with 413 and stores none of it', async () => {
      const before = await documentCount();
      const documents = Array.from({ length: MAX_BATCH_DOCUMENTS + 1 }, (_, i) => ({ text: `document ${i} ${run}` }));
      const res = await call('POST', '/v1/batches', { as: 'submitter', body: { documents } });
      await expectError(res, 413, 'payload_too_large', /DOCKET_MAX_BATCH_DOCUMENTS/);
      assert.equal(await documentCount(), before);
    });

    it('rejects a whole batch when one document is bad, storing none of it', async () => {
      const before = await documentCount();
      const good = { text: `A perfectly fine document ${run}` };
      const cases: [unknown, number, string][] = [
        [{ documents: [good, { text: '' }] }, 400, 'bad_request'],
        [{ documents: [good, { text: 'bad\u0000bytes' }] }, 400, 'bad_request'],
        [{ documents: [good, { text: 'x'.repeat(MAX_DOCUMENT_BYTES + 1) }] }, 413, 'payload_too_large'],
        [{ documents: [good], taxonomy: 'no-such-taxonomy' }, 400, 'bad_request'],
        [{ documents: [] }, 400, 'bad_request'],
      ];
      for (const [body, status, code] of cases) {
        await expectError(await call('POST', '/v1/batches', { as: 'submitter', body }), status, code);
      }
      assert.equal(await documentCount(), before);
    });

    it('rejects a batch that reuses a stored id with other text with 409, storing none of it', async () => {
      const id = `batch-conflict-${run}`;
      assert.equal((await submit({ id, text: `the original ${marker('batch-conflict')}` })).status, 202);
      const before = await documentCount();
      const res = await call('POST', '/v1/batches', {
        as: 'submitter',
        body: {
          documents: [
            { id: `batch-new-${run}`, text: 'a new document' },
            { id, text: 'changed text' },
          ],
        },
      });
      await expectError(res, 409, 'conflict', new RegExp(id));
      const twice = await call('POST', '/v1/batches', {
        as: 'submitter',
        body: {
          documents: [
            { id: `twice-${run}`, text: 'one text' },
            { id: `twice-${run}`, text: 'another text' },
          ],
        },
      });
      await expectError(twice, 409, 'conflict', /twice/);
      assert.equal(await documentCount(), before);
    });

    it('answers an unknown batch id with 404', async () => {
      await expectError(await call('GET', `/v1/batches/batch-missing-${run}`), 404, 'not_found');
    });
  });
});

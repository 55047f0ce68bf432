import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import { createApp } from '../../src/api/app.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Every JSON answer of the API, taken from real requests against real servers, parses with the zod schema its route
 * declares (the one `/openapi.json` renders and the typed client is generated from), and holds no field that schema
 * leaves out. The last test fails when a route with a JSON answer was added without being exercised here.
 */
describe('the JSON answers match the schemas the OpenAPI document declares', () => {
  let env: DocketTestEnv;
  let app: ReturnType<typeof createApp>;
  const run = randomUUID().slice(0, 8);
  const marker = (name: string) => `[${name}-${run}]`;
  /** `METHOD /path/{param}` of every answer checked so far. */
  const checked = new Set<string>();

  before(async () => {
    env = await startDocket({ env: { DOCKET_SAMPLE_RATE: '1' } });
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger: env.logger });
  });
  after(() => env.stop());

  /** The zod schema a route declares for the JSON body of `status`. */
  const declaredSchema = (method: string, path: string, status: number): z.ZodType | undefined => {
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type !== 'route' || def.route.method !== method || def.route.path !== path) continue;
      const response = def.route.responses[status] as { content?: Record<string, { schema?: unknown }> } | undefined;
      return response?.content?.['application/json']?.schema as z.ZodType | undefined;
    }
    return undefined;
  };

  /**
   * Sends a request as `as` (admin by default) to `url`, an instance of the route `METHOD path`; asserts the status,
   * that the body parses with the declared schema, and that parsing drops nothing (no undeclared field). Returns it.
   */
  const answer = async <T = Record<string, unknown>>(
    route: string,
    url: string,
    status: number,
    options: { body?: unknown; as?: keyof typeof TEST_TOKENS } = {},
  ): Promise<T> => {
    const [method = '', path = ''] = route.split(' ');
    const res = await app.request(url, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKENS[options.as ?? 'admin']}`,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const body: unknown = await res.json();
    assert.equal(res.status, status, `${route}: ${JSON.stringify(body)}`);
    const schema = declaredSchema(method.toLowerCase(), path, status);
    assert.ok(schema, `${route} declares no JSON schema for ${status}`);
    const parsed = schema.safeParse(body);
    assert.ok(parsed.success, `${route} ${status} does not match its schema: ${JSON.stringify(parsed.error?.issues)}`);
    assert.deepEqual(parsed.data, body, `${route} ${status} answers fields its schema does not declare`);
    checked.add(`${method} ${path}`);
    return body as T;
  };

  const submit = (id: string, text: string) =>
    answer('POST /v1/documents', '/v1/documents', 202, { as: 'submitter', body: { id, text } });
  const view = (id: string) => answer<{ status: string }>('GET /v1/documents/{id}', `/v1/documents/${id}`, 200);
  const waitForStatus = (id: string, status: string) =>
    waitFor(
      () => view(id),
      (d) => d.status === status,
    );

  it('health', async () => {
    await answer('GET /healthz', '/healthz', 200);
  });

  it('a document: submitted, classified, its text, then erased', async () => {
    const id = `schema-doc-${run}`;
    await submit(id, `The deploy broke the kubernetes cluster ${marker('doc')}`);
    await waitForStatus(id, 'completed');
    await answer('GET /v1/documents/{id}/text', `/v1/documents/${id}/text`, 200);
    await answer('DELETE /v1/documents/{id}', `/v1/documents/${id}`, 200);
  });

  it('a review: the document waiting, the queue, the decision', async () => {
    const id = `schema-review-${run}`;
    env.sim.addRule({ match: marker('review'), faults: ['low_confidence'] });
    await submit(id, `An ambiguous memo about several things ${marker('review')}`);
    await waitForStatus(id, 'pending_review');
    await waitFor(
      () => answer<{ reviews: { id: string }[] }>('GET /v1/reviews', '/v1/reviews', 200, { as: 'reviewer' }),
      (queue) => queue.reviews.some((r) => r.id === id),
    );
    await answer('POST /v1/documents/{id}/review', `/v1/documents/${id}/review`, 200, {
      as: 'reviewer',
      body: { category: 'legal', note: 'clause 4' },
    });
    await answer('GET /v1/reports/agreement', '/v1/reports/agreement', 200);
  });

  it('a pause: the document paused, resumed alone and with every other', async () => {
    const [one, all] = [`schema-paused-${run}`, `schema-paused-all-${run}`];
    env.sim.addRule({ match: marker('paused'), faults: ['insufficient_quota', 'insufficient_quota'] });
    await submit(one, `Sales forecast for the next quarter ${marker('paused')}`);
    await submit(all, `Pricing and revenue of the year ${marker('paused')}`);
    await waitForStatus(one, 'paused');
    await waitForStatus(all, 'paused');
    await answer('POST /v1/documents/{id}/resume', `/v1/documents/${one}/resume`, 200);
    await answer('POST /v1/resume', '/v1/resume', 200);
  });

  it('a batch: accepted, counted, then cancelled', async () => {
    const accepted = await answer<{ batchId: string }>('POST /v1/batches', '/v1/batches', 202, {
      as: 'submitter',
      body: { documents: [{ text: `Kubernetes upgrade notes ${marker('batch')}` }] },
    });
    await waitFor(
      () =>
        answer<{ done: boolean }>('GET /v1/batches/{id}', `/v1/batches/${accepted.batchId}`, 200, { as: 'submitter' }),
      (batch) => batch.done,
    );
    await answer('POST /v1/batches/{id}/cancel', `/v1/batches/${accepted.batchId}/cancel`, 200, { as: 'submitter' });
  });

  it('the report and the samples', async () => {
    await answer('GET /v1/report', '/v1/report', 200);
    const { samples } = await answer<{ samples: unknown[] }>('GET /v1/samples', '/v1/samples', 200);
    assert.ok(samples.length > 0, 'every call is sampled at DOCKET_SAMPLE_RATE=1');
  });

  it('a canary: started, reported, promoted; another started and rolled back', async () => {
    await answer('POST /v1/canary', '/v1/canary', 201, { body: { share: 0.5, model: 'gpt-4.1-mini' } });
    await answer('GET /v1/canary', '/v1/canary', 200);
    await answer('POST /v1/canary/promote', '/v1/canary/promote', 200);
    await answer('POST /v1/canary', '/v1/canary', 201, { body: { share: 0.2, promptVersion: 'classify-v2' } });
    await answer('POST /v1/canary/rollback', '/v1/canary/rollback', 200);
  });

  it('a comparison: started, running or done, then done', async () => {
    const { compareId } = await answer<{ compareId: string }>('POST /v1/compare', '/v1/compare', 202, {
      body: {
        documents: [{ text: `Quarterly revenue grew ${marker('compare')}` }],
        a: { promptVersion: 'classify-v1' },
        b: { promptVersion: 'classify-v2' },
      },
    });
    await waitFor(
      () => answer<{ status: string }>('GET /v1/compare/{id}', `/v1/compare/${compareId}`, 200),
      (state) => state.status === 'done',
    );
  });

  it('a reclassification: started, its diff, and a document with an earlier result', async () => {
    const id = `schema-reclassify-${run}`;
    await submit(id, `The api server crashed with a stack trace ${marker('reclassify')}`);
    await waitForStatus(id, 'completed');
    env.sim.addRule({
      match: marker('reclassify'),
      faults: [{ kind: 'low_confidence', confidence: 0.9, category: 'legal' }],
    });
    const { reclassifyId } = await answer<{ reclassifyId: string }>('POST /v1/reclassify', '/v1/reclassify', 202, {
      body: { selection: { category: 'technical', since: '1h' } },
    });
    await waitFor(
      () =>
        answer<{ finished: number; total: number }>('GET /v1/reclassify/{id}', `/v1/reclassify/${reclassifyId}`, 200),
      (r) => r.finished === r.total,
    );
    const doc = await view(id);
    assert.ok('history' in doc, 'the earlier result is shown');
  });

  it('the codec: payloads encrypted, then decrypted', async () => {
    const plain = {
      payloads: [
        {
          metadata: { encoding: Buffer.from('json/plain').toString('base64') },
          data: Buffer.from('"x"').toString('base64'),
        },
      ],
    };
    const encoded = await answer('POST /codec/encode', '/codec/encode', 200, { body: plain });
    await answer('POST /codec/decode', '/codec/decode', 200, { body: encoded });
  });

  it('leaves no route with a JSON answer unchecked', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    const withJson = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) =>
          Object.entries(op.responses).some(([s, r]) => s.startsWith('2') && r.content?.['application/json']),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(withJson.filter((route) => !checked.has(route)).sort(), []);
  });
});

import { createApp } from '../../src/api/app.js';
import type { DocumentView } from '../../src/documents/schemas.js';
import { TEST_TOKENS, type DocketTestEnv } from './docket.js';
import { waitFor } from './wait.js';

export type TestApi = ReturnType<typeof testApi>;

/** The API in-process, with helpers that speak for each role. */
export function testApi(env: DocketTestEnv) {
  const app = createApp({ pool: env.pool, client: env.client, config: env.config, logger: env.logger });
  const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
    app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.token ?? TEST_TOKENS.admin}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  const get = async (id: string) => (await (await call(`/v1/documents/${id}`)).json()) as DocumentView;
  return {
    app,
    call,
    get,
    async submit(body: { id?: string; text: string; taxonomy?: string; metadata?: Record<string, unknown> }) {
      const res = await call('/v1/documents', { method: 'POST', token: TEST_TOKENS.submitter, body });
      if (res.status !== 202) throw new Error(`submit returned ${res.status}: ${await res.text()}`);
      return (await res.json()) as { id: string; status: string };
    },
    /** Polls the document until its status is `status`. */
    waitForStatus(id: string, status: string, timeoutMs = 30_000) {
      return waitFor(
        () => get(id),
        (d) => d.status === status,
        { timeoutMs },
      );
    },
    review(id: string, body: { category: string; note?: string }, token: string = TEST_TOKENS.reviewer) {
      return call(`/v1/documents/${id}/review`, { method: 'POST', token, body });
    },
    resume(id: string) {
      return call(`/v1/documents/${id}/resume`, { method: 'POST', token: TEST_TOKENS.admin });
    },
  };
}

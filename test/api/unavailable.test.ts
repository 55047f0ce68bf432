import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { createApp } from '../../src/api/app.js';
import { unavailableError } from '../../src/api/unavailable.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { TEST_TOKENS, TEST_TOKENS_ENV } from '../helpers/docket.js';

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a dependency that does not answer', () => {
  let pool: pg.Pool;
  let client: Client;
  let app: ReturnType<typeof createApp>;

  before(async () => {
    const port = await closedPort();
    pool = new pg.Pool({
      connectionString: `postgres://docket@127.0.0.1:${port}/docket`,
      connectionTimeoutMillis: 500,
    });
    client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) });
    const config = loadConfig({
      DOCKET_API_TOKENS: TEST_TOKENS_ENV,
      DOCKET_LOG_LEVEL: 'silent',
      DOCKET_PAYLOAD_ENCRYPTION: 'off',
    });
    app = createApp({ pool, client, config, logger: createLogger({ level: 'silent' }) });
  });
  after(() => pool.end());

  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKENS.admin}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it('answers 503, never 500, when PostgreSQL is unreachable', async () => {
    for (const res of [
      await call('POST', '/v1/documents', { id: 'db-down-1', text: 'the quarterly revenue grew' }),
      await call('GET', '/v1/documents/db-down-1'),
      await call('POST', '/v1/batches', { documents: [{ text: 'a contract between two parties' }] }),
    ]) {
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'unavailable');
      assert.match(body.error.message, /database or Temporal server is unreachable/);
    }
  });

  it('reads a Temporal call that found no server as Temporal unavailable', async () => {
    const err = await client
      .withDeadline(Date.now() + 500, () => client.workflowService.getSystemInfo({}))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err, 'the call failed');
    assert.equal(unavailableError(err)?.status, 503);
    assert.equal(unavailableError(new Error('some bug')), undefined, 'a bug stays a 500');
  });
});

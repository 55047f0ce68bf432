import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createLogger } from '../../src/logger.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs, type Spawned } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A marker string travels through every error path that can carry a caller's data (failing database writes in
 * the API and in a worker process, invalid model output, review notes and rejected reviews, rejected requests),
 * and must appear in no log line: not in Docket's JSON logs, nor in the Temporal SDK's own lines.
 */
describe('logs carry no document content', () => {
  let env: DocketTestEnv;
  let worker: Spawned;
  let app: ReturnType<typeof createApp>;
  let apiLog = '';
  const run = randomUUID().slice(0, 8);
  const MARKER = `MARKER${run}SECRET`;
  // Each test looks only at the lines written since it began, so that one leak fails one test.
  let mark = { api: 0, worker: 0 };
  const logs = () => `${apiLog.slice(mark.api)}\n${worker.output().slice(mark.worker)}`;
  beforeEach(() => {
    mark = { api: apiLog.length, worker: worker.output().length };
  });

  before(async () => {
    env = await startDocket({ worker: false });
    worker = spawnTs('src/worker.ts', [], { ...env.childEnv, DOCKET_LOG_LEVEL: 'debug' });
    await worker.waitForOutput(/worker started/, 120_000);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        apiLog += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'debug', name: 'docket-api' }, sink);
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger });
  });
  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await env?.stop();
  });

  const call = (method: string, path: string, body: unknown, as: keyof typeof TEST_TOKENS = 'admin') =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${TEST_TOKENS[as]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const statusOf = async (id: string) =>
    (
      (await (
        await app.request(`/v1/documents/${id}`, { headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })
      ).json()) as { status: string }
    ).status;

  it('keeps a failed database write in the API out of the logs, with its error code', async () => {
    // Any constraint violation reports "Failing row contains (…)" with the whole row in the error's detail.
    await env.pool.query(`ALTER TABLE documents ADD CONSTRAINT redaction_probe CHECK (text NOT LIKE '%api-fail%')`);
    const res = await call(
      'POST',
      '/v1/documents',
      { text: `api-fail ${MARKER}`, metadata: { secret: MARKER } },
      'submitter',
    );
    assert.equal(res.status, 500);
    assert.ok(!(await res.text()).includes(MARKER));
    assert.match(logs(), /request failed/);
    assert.match(logs(), /"code":"23514"/);
    assert.ok(!logs().includes(MARKER), `marker in the logs:\n${logs()}`);
  });

  it('keeps a failed database write in a worker (a review note) out of its logs and the SDK lines', async () => {
    // The row of a failed insert is echoed in the error's detail, each value cut at 64 bytes: a short note fits.
    await env.pool.query(
      `ALTER TABLE classifications ADD CONSTRAINT redaction_probe CHECK (review_note NOT LIKE '%worker-fail%')`,
    );
    const id = `worker-fail-${run}`;
    env.sim.addRule({ match: `[worker-fail-${run}]`, faults: ['low_confidence'] });
    assert.equal(
      (await call('POST', '/v1/documents', { id, text: `memo [worker-fail-${run}]` }, 'submitter')).status,
      202,
    );
    await waitFor(
      () => statusOf(id),
      (s) => s === 'pending_review',
      { timeoutMs: 60_000 },
    );
    // The decision is accepted, then storing it fails in the worker and is retried: the SDK logs each failure.
    const review = call(
      'POST',
      `/v1/documents/${id}/review`,
      { category: 'legal', note: `worker-fail ${MARKER}` },
      'reviewer',
    );
    await worker.waitForOutput(/Activity failed[\s\S]*redaction_probe/, 60_000);
    assert.ok(!logs().includes(MARKER), `marker in the logs:\n${logs()}`);
    await env.client.workflow.getHandle(`classify-${id}`).terminate('test done');
    await review;
  });

  it('keeps invalid model output, review notes and rejected reviews out of the logs', async () => {
    const id = `review-${run}`;
    env.sim.addRule({
      match: `review-doc ${MARKER}`,
      faults: [{ kind: 'out_of_taxonomy', category: `${MARKER}-category` }],
      repeat: true,
    });
    await call('POST', '/v1/documents', { id, text: `review-doc ${MARKER}` }, 'submitter');
    await waitFor(
      () => statusOf(id),
      (s) => s === 'pending_review',
      { timeoutMs: 60_000 },
    );
    const rejected = await call('POST', `/v1/documents/${id}/review`, { category: MARKER, note: MARKER }, 'reviewer');
    assert.equal(rejected.status, 400);
    const decided = await call(
      'POST',
      `/v1/documents/${id}/review`,
      { category: 'legal', note: `note ${MARKER}` },
      'reviewer',
    );
    assert.equal(decided.status, 200);
    const { rows } = await env.pool.query('SELECT review_note FROM classifications WHERE document_id = $1', [id]);
    assert.equal(rows[0].review_note, `note ${MARKER}`);
    assert.match(logs(), /invalid output/);
    assert.match(logs(), /review decided/);
    assert.ok(!logs().includes(MARKER), `marker in the logs:\n${logs()}`);
  });

  it("redacts the values PostgreSQL quotes in a data exception's message, keeping the rest", async () => {
    const err = await env.pool.query('SELECT $1::int', [MARKER]).then(
      () => assert.fail('the cast should fail'),
      (e: unknown) => e as Error & { code: string },
    );
    assert.equal(err.code, '22P02');
    assert.ok(err.message.includes(MARKER));
    let line = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        line += chunk.toString();
        done();
      },
    });
    createLogger({ level: 'info' }, sink).error({ err }, 'query failed');
    assert.ok(!line.includes(MARKER), line);
    assert.match(line, /invalid input syntax for type integer: \\"\[redacted\]\\"/);
  });

  it('keeps rejected requests out of the logs', async () => {
    await call('POST', '/v1/documents', { text: MARKER, metadata: { [MARKER]: 1e308 }, extra: MARKER }, 'submitter');
    await call('POST', '/v1/batches', { documents: [{ text: `${MARKER}\u0000` }] }, 'submitter');
    await call('POST', '/v1/canary', { share: 0.5, model: `${MARKER} with spaces` });
    assert.ok(!logs().includes(MARKER), `marker in the logs:\n${logs()}`);
  });
});

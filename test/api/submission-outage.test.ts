import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../../src/api/app.js';
import type { DocumentView } from '../../src/documents/schemas.js';
import { contentHash } from '../../src/documents/submit.js';
import { loadConfig } from '../../src/config.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger } from '../../src/logger.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createWorkers, type DocketWorkers } from '../../src/worker/create-workers.js';
import { installRuntime } from '../../src/worker/runtime.js';
import { freePort } from '../helpers/browser.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_TOKENS, TEST_TOKENS_ENV, workflowBundle } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Temporal stopped while documents and batches are submitted: the API answers at once with the documents queued,
 * `/healthz` names Temporal within 2 s, and once the same server is back the worker's reconciler starts every owed
 * workflow and the documents complete, each classified once.
 */
describe('submission while Temporal is down', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'docket-outage-'));
  const logger = createLogger({ level: process.env.DOCKET_TEST_LOG_LEVEL ?? 'silent' });
  let db: TestDatabase;
  let sim: Simulator;
  let pool: Pool;
  let server: DevServer;
  let port: number;
  let uiPort: number;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let workers: DocketWorkers;
  let workersDone: Promise<void>;
  let app: ReturnType<typeof createApp>;

  const startServer = () =>
    startTemporalDevServer({ cli: findTemporalCli(), dbFilename: join(dataDir, 'temporal.db'), port, uiPort });

  before(async () => {
    installRuntime(process.env.DOCKET_TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');
    [db, sim, port, uiPort] = await Promise.all([
      defaultDatabaseKind().then(startTestDatabase),
      startSimulator(),
      freePort(),
      freePort(),
    ]);
    server = await startServer();
    const config = loadConfig({
      TEMPORAL_ADDRESS: server.address,
      DATABASE_URL: db.url,
      OPENAI_BASE_URL: sim.baseUrl,
      OPENAI_API_KEY: 'sk-docket-test',
      DOCKET_API_TOKENS: TEST_TOKENS_ENV,
      DOCKET_WORKFLOW_START_TIMEOUT: '1s',
      DOCKET_RECONCILE_INTERVAL: '500ms',
    });
    pool = createPool(db.url);
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    nativeConnection = await NativeConnection.connect({ address: server.address });
    workers = await createWorkers({
      connection: nativeConnection,
      config,
      pool,
      openai: createOpenAIClient({ ...config.openai }),
      logger,
      workflowBundle: await workflowBundle(),
    });
    workersDone = workers.run();
    app = createApp({ pool, client, config, logger });
  });

  after(async () => {
    workers?.shutdown();
    await workersDone?.catch(() => undefined);
    await nativeConnection?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await server?.stop();
    await pool?.end();
    await Promise.allSettled([sim?.close(), db?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, body?: unknown) =>
    app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${body === undefined ? TEST_TOKENS.admin : TEST_TOKENS.submitter}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const view = async (id: string) => (await (await call(`/v1/documents/${id}`)).json()) as DocumentView;

  it('answers /healthz within 2 s, naming Temporal, once the server is stopped', async () => {
    const up = await call('/healthz');
    assert.equal(up.status, 200);
    // Waiting for a person while Temporal is up: only Temporal knows its status.
    sim.addRule({ match: 'outage-started:', faults: ['low_confidence'] });
    assert.equal((await call('/v1/documents', { id: 'outage-started', text: 'outage-started: a bug' })).status, 202);
    await waitFor(
      () => view('outage-started'),
      (d) => d.status === 'pending_review',
    );
    await server.stop();
    const began = performance.now();
    const down = await call('/healthz');
    const elapsedMs = performance.now() - began;
    assert.equal(down.status, 503);
    const { provider, ...checks } = (await down.json()) as { provider?: { breaker: string } };
    assert.deepEqual(checks, { status: 'degraded', database: 'ok', temporal: 'unreachable', down: ['temporal'] });
    assert.equal(provider?.breaker, 'closed', 'the provider as the workers see it, reported beside the checks');
    // DESIGN.md §4: the contract of /healthz, which a load balancer's probe relies on.
    assert.ok(elapsedMs < 2_000, `/healthz took ${Math.round(elapsedMs)} ms`);

    // A status only Temporal knows: 503 that says so, not a 500 after the client's retries.
    const unknown = await call('/v1/documents/outage-started');
    assert.equal(unknown.status, 503);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'unavailable');
  });

  it('accepts and queues single and batch submissions, then the reconciler starts them when Temporal is back', async () => {
    const single = await call('/v1/documents', {
      id: 'outage-single',
      text: 'outage-single: the quarterly revenue forecast and profit margin for investors',
    });
    assert.equal(single.status, 202);
    assert.deepEqual(await single.json(), { id: 'outage-single', status: 'classifying', stage: 'queued' });

    const batchIds = ['outage-batch-1', 'outage-batch-2', 'outage-batch-3'];
    const batch = await call('/v1/batches', {
      documents: batchIds.map((id) => ({ id, text: `${id}: the contract clause on liability and indemnity` })),
    });
    assert.equal(batch.status, 202);
    const accepted = (await batch.json()) as { batchId: string; queued?: boolean };
    assert.equal(accepted.queued, true);

    const batchView = await call(`/v1/batches/${accepted.batchId}`);
    assert.equal(batchView.status, 200);
    assert.deepEqual(((await batchView.json()) as { counts: Record<string, number> }).counts, {
      classifying: 3,
      pending_review: 0,
      paused: 0,
      completed: 0,
      failed: 0,
    });

    // Nobody has started them, but they are owed a start: queued, read from the database alone.
    for (const id of ['outage-single', ...batchIds]) {
      const doc = await view(id);
      assert.equal(doc.status, 'classifying', id);
      assert.equal(doc.stage, 'queued', id);
    }
    const owed = await pool.query(`SELECT workflow_id FROM workflow_starts WHERE started_at IS NULL ORDER BY 1`);
    assert.deepEqual(
      owed.rows.map((r) => r.workflow_id),
      [`batch-${accepted.batchId}`, 'classify-outage-single'].sort(),
    );
    assert.equal(sim.requestsMatching('outage-single:').length + sim.requestsMatching('outage-batch-').length, 0);

    server = await startServer();
    for (const id of ['outage-single', ...batchIds]) {
      const done = await waitFor(
        () => view(id),
        (d) => d.status === 'completed',
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      assert.ok(done.result, id);
      assert.equal(sim.requestsMatching(`${id}:`).length, 1, `${id} was classified once`);
    }
    const stillOwed = await pool.query(`SELECT count(*)::int AS n FROM workflow_starts WHERE started_at IS NULL`);
    assert.equal(stillOwed.rows[0].n, 0);
  });

  it('owes no start for a decided document resubmitted (one stored before the outbox existed)', async () => {
    const text = 'outage-decided: stored and classified before the outbox';
    await pool.query(
      `INSERT INTO documents (id, content_hash, text, taxonomy) VALUES ('outage-decided', $1, $2, 'default')`,
      [contentHash(text), text],
    );
    await pool.query(
      `INSERT INTO classifications (document_id, category, confidence, reasoning, decided_by, model, prompt_version,
         taxonomy, workflow_id, run_id)
       VALUES ('outage-decided', 'other', 0.9, 'r', 'model', 'gpt-4o-mini', 'classify-v2', 'default', 'w', 'r')`,
    );
    const res = await call('/v1/documents', { id: 'outage-decided', text });
    assert.deepEqual(await res.json(), { id: 'outage-decided', status: 'completed' });
    const owed = await pool.query(`SELECT started_at FROM workflow_starts WHERE document_id = 'outage-decided'`);
    assert.ok(owed.rows[0]?.started_at, 'the reconciler would classify it again');
  });

  it('reports a document whose workflow no longer exists as failed, not as classifying', async () => {
    // Started once (its outbox row says so), then its workflow was deleted: nobody is working on it.
    await pool.query(
      `INSERT INTO documents (id, content_hash, text, taxonomy) VALUES ('outage-gone', 'h', 'x', 'default')`,
    );
    await pool.query(
      `INSERT INTO workflow_starts (workflow_id, workflow_type, input, document_id, started_at)
       VALUES ('classify-outage-gone', 'classifyDocumentWorkflow', '{}', 'outage-gone', now())`,
    );
    const doc = await view('outage-gone');
    assert.deepEqual([doc.status, doc.stage], ['failed', 'workflow_missing']);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection, Client } from '@temporalio/client';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server.js';
import { submitBatch } from '../../src/documents/batch.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { connectClient } from '../../src/temporal-connection.js';
import { freePort } from '../helpers/browser.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_TOKENS_ENV, testPayloadKeysEnv } from '../helpers/docket.js';
import { spawnTs, type Spawned } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { FAST_CLOCK } from '../simulator/batch-helpers.js';
import { documents } from './helpers.js';

/**
 * Worker processes killed with SIGKILL at the two moments a Batch API cron script loses money or documents (after the
 * provider created a job but before it was recorded; while the results download), and the Temporal server restarted
 * while a job runs. Every document ends classified once, by one paid job.
 */
describe('the Batch API path under crashes', () => {
  let dataDir: string;
  let server: DevServer;
  let db: TestDatabase;
  let sim: Simulator;
  let pool: Pool;
  let connection: Connection;
  let client: Client;
  let config: Config;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let uiPort: number;
  const workers: Spawned[] = [];

  const startDevServer = () =>
    startTemporalDevServer({ cli: findTemporalCli(), dbFilename: join(dataDir, 'temporal.db'), port, uiPort });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'docket-batch-api-crash-'));
    [port, uiPort] = [await freePort(), await freePort()];
    [server, db, sim] = await Promise.all([
      startDevServer(),
      defaultDatabaseKind().then(startTestDatabase),
      startSimulator({ profile: { batchClock: FAST_CLOCK } }),
    ]);
    pool = createPool(db.url);
    env = {
      TEMPORAL_ADDRESS: server.address,
      DATABASE_URL: db.url,
      OPENAI_BASE_URL: sim.baseUrl,
      OPENAI_API_KEY: 'sk-docket-test',
      DOCKET_API_TOKENS: TEST_TOKENS_ENV,
      DOCKET_PAYLOAD_KEYS: testPayloadKeysEnv(),
      DOCKET_LOG_LEVEL: 'info',
      DOCKET_BATCH_API_MAX_WAIT: '300ms',
      DOCKET_BATCH_API_POLL_INTERVAL: '100ms',
      DOCKET_BATCH_API_POLL_MAX: '300ms',
    };
    config = loadConfig(env);
    ({ connection, client } = await connectClient(config.temporal, {
      dataConverter: createDataConverter(config.payload),
    }));
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await pool.end();
    await connection.close();
    await Promise.allSettled([server.stop(), sim.close(), db.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<Spawned> {
    const worker = spawnTs('src/worker.ts', [], env);
    workers.push(worker);
    await worker.waitForOutput(/worker started/);
    return worker;
  }
  const seen = (operation: string) => sim.batchApiRequests.filter((r) => r.operation === operation).length;
  const classified = async (prefix: string) =>
    (
      await pool.query(
        `SELECT count(*)::int AS rows, count(DISTINCT document_id)::int AS documents FROM classifications
         WHERE document_id LIKE $1`,
        [`${prefix}-%`],
      )
    ).rows[0] as { rows: number; documents: number };
  const ledgerRows = async (prefix: string) =>
    Number(
      (await pool.query(`SELECT count(*) AS n FROM llm_calls WHERE document_id LIKE $1`, [`${prefix}-%`])).rows[0].n,
    );
  const allClassified = (prefix: string, count: number) =>
    waitFor(
      () => classified(prefix),
      (c) => c.documents === count,
      { timeoutMs: 90_000 },
    );

  it('never pays for a second job when the worker dies between creating the job and recording it', async () => {
    const worker = await startWorker();
    // The provider creates the job, but its answer is held back: the worker dies before it can record the job's id.
    sim.delayBatchApi('batches.create', 30_000);
    const creates = seen('batches.create');
    await submitBatch({ pool, client, config }, { documents: documents('crash-create', 3), mode: 'batch_api' });
    await waitFor(
      async () => seen('batches.create'),
      (n) => n > creates,
      { timeoutMs: 30_000 },
    );
    worker.child.kill('SIGKILL');
    await worker.exited;
    const replacement = await startWorker();

    assert.deepEqual(await allClassified('crash-create', 3), { rows: 3, documents: 3 });
    assert.equal(seen('batches.create') - creates, 1, 'one paid job');
    assert.ok(seen('batches.list') > 0, 'the retry looked for the job by its metadata');
    assert.equal(await ledgerRows('crash-create'), 3);
    replacement.child.kill('SIGKILL');
    await replacement.exited;
  });

  it('stores and prices every line once when the worker dies while the results download', async () => {
    const worker = await startWorker();
    sim.delayBatchApi('files.content', 30_000);
    const downloads = seen('files.content');
    await submitBatch({ pool, client, config }, { documents: documents('crash-download', 4), mode: 'batch_api' });
    await waitFor(
      async () => seen('files.content'),
      (n) => n > downloads,
      { timeoutMs: 30_000 },
    );
    worker.child.kill('SIGKILL');
    await worker.exited;
    const replacement = await startWorker();

    assert.deepEqual(await allClassified('crash-download', 4), { rows: 4, documents: 4 });
    assert.ok(seen('files.content') - downloads >= 2, 'downloaded again after the crash');
    assert.equal(await ledgerRows('crash-download'), 4, 'no line priced twice');
    replacement.child.kill('SIGKILL');
    await replacement.exited;
  });

  it('finishes a job that was in progress while the Temporal server restarted', async () => {
    await startWorker();
    sim.addBatchRule({ faults: [{ kind: 'slow_output', stage: 'finalizing', ms: 4_000 }] });
    const creates = seen('batches.create');
    await submitBatch({ pool, client, config }, { documents: documents('crash-server', 3), mode: 'batch_api' });
    await waitFor(
      async () => seen('batches.create'),
      (n) => n > creates,
      { timeoutMs: 30_000 },
    );
    await server.stop();
    server = await startDevServer();

    assert.deepEqual(await allClassified('crash-server', 3), { rows: 3, documents: 3 });
    assert.equal(seen('batches.create') - creates, 1);
    assert.equal(await ledgerRows('crash-server'), 3);
  });
});

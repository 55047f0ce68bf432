import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { loadConfig } from '../../src/config.js';
import { contentHash } from '../../src/documents/submit.js';
import { insertBatch } from '../../src/db/queries.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { batchWorkflowId, TASK_QUEUE } from '../../src/shared/names.js';
import type { ClassifyBatchInput, ClassifyBatchResult } from '../../src/shared/workflow-types.js';
import { freePort } from '../helpers/browser.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_TOKENS_ENV, testDocumentSettings, testPayloadKeysEnv } from '../helpers/docket.js';
import { spawnTs, type Spawned } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { connectClient } from '../../src/temporal-connection.js';

const DOCUMENTS = 40;

/**
 * Two worker processes share one batch; one is killed with SIGKILL and the (persisted) Temporal dev server is
 * restarted while the batch runs. Every document is classified exactly once.
 */
describe('a batch under crashes', () => {
  let dataDir: string;
  let server: DevServer;
  let db: TestDatabase;
  let sim: Simulator;
  let pool: Pool;
  let workers: Spawned[] = [];
  let port: number;
  let uiPort: number;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'docket-restart-'));
    [port, uiPort] = [await freePort(), await freePort()];
    [server, db, sim] = await Promise.all([
      startTemporalDevServer({ cli: findTemporalCli(), dbFilename: join(dataDir, 'temporal.db'), port, uiPort }),
      defaultDatabaseKind().then(startTestDatabase),
      startSimulator({ profile: { latencyMs: { min: 150, max: 250 } } }),
    ]);
    pool = createPool(db.url);
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await pool.end();
    await Promise.allSettled([server.stop(), sim.close(), db.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no document and writes no duplicate when a worker dies and the server restarts', async () => {
    const env = {
      TEMPORAL_ADDRESS: server.address,
      DATABASE_URL: db.url,
      OPENAI_BASE_URL: sim.baseUrl,
      OPENAI_API_KEY: 'sk-docket-test',
      DOCKET_API_TOKENS: TEST_TOKENS_ENV,
      DOCKET_PAYLOAD_KEYS: testPayloadKeysEnv(),
      DOCKET_LOG_LEVEL: 'info',
      DOCKET_LLM_TIMEOUT_MS: '5000',
    };
    workers = [spawnTs('src/worker.ts', [], env), spawnTs('src/worker.ts', [], env)];
    await Promise.all(workers.map((w) => w.waitForOutput(/worker started/)));

    const docs = Array.from({ length: DOCUMENTS }, (_, i) => {
      const text = `crash-batch-doc-${i} the kubernetes deploy broke the API server`;
      return { id: `crash-batch-doc-${i}`, contentHash: contentHash(text), text, metadata: {}, taxonomy: 'default' };
    });
    await insertBatch(pool, { id: 'crash-batch', taxonomy: 'default' }, docs);
    const config = loadConfig(env);
    const { connection, client } = await connectClient(config.temporal, {
      dataConverter: createDataConverter(config.payload),
    });
    const input: ClassifyBatchInput = {
      batchId: 'crash-batch',
      total: DOCUMENTS,
      window: 6,
      childrenPerRun: 15,
      document: testDocumentSettings(5),
    };
    await client.workflow.start('classifyBatchWorkflow', {
      workflowId: batchWorkflowId('crash-batch'),
      taskQueue: TASK_QUEUE,
      args: [input],
    });

    await waitFor(
      async () => sim.requestsMatching('crash-batch-doc-').length,
      (n) => n >= 8,
      { timeoutMs: 60_000 },
    );
    workers[0]!.child.kill('SIGKILL');
    await workers[0]!.exited;

    await waitFor(
      async () => sim.requestsMatching('crash-batch-doc-').length,
      (n) => n >= 18,
      { timeoutMs: 60_000 },
    );
    await server.stop();
    server = await startTemporalDevServer({
      cli: findTemporalCli(),
      dbFilename: join(dataDir, 'temporal.db'),
      port,
      uiPort,
    });

    const result = (await client.workflow.getHandle(batchWorkflowId('crash-batch')).result()) as ClassifyBatchResult;
    assert.equal(result.progress.done, true);
    assert.equal(result.progress.settled['completed'], DOCUMENTS);

    const { rows } = await pool.query(
      `SELECT count(*)::int AS rows, count(DISTINCT document_id)::int AS documents
       FROM classifications WHERE document_id LIKE 'crash-batch-doc-%'`,
    );
    assert.deepEqual(rows[0], { rows: DOCUMENTS, documents: DOCUMENTS });
    const stillRunning = workers[1]!;
    assert.equal(stillRunning.child.exitCode, null, 'the surviving worker kept serving after the restart');
    await connection.close();
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import { runCli } from '../../src/cli/program.js';
import type { Erasure } from '../../src/client/docket-client.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger } from '../../src/logger.js';
import { batchWorkflowId, documentWorkflowId } from '../../src/shared/names.js';
import { createWorkers } from '../../src/worker/create-workers.js';
import { startDocket, startTestBatch, TEST_TOKENS, workflowBundle, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const execFileAsync = promisify(execFile);

/** Every line the worker and the API log, at the most verbose level. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  text(): string {
    return this.lines.join('');
  }
}

describe('erasing a document', () => {
  let env: DocketTestEnv;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof createWorkers>>;
  let workersDone: Promise<void>;
  const logs = new LogCapture();
  // Unique per run, so that a hit can only come from this file's documents.
  const run = randomUUID().slice(0, 8);
  const secret = (name: string) => `SECRET-${name.toUpperCase()}-${run}`;

  before(async () => {
    // Every call sampled: the prompt, which holds the text, is stored whole.
    env = await startDocket({ worker: false, env: { DOCKET_SAMPLE_RATE: '1' } });
    const logger = createLogger({ level: 'trace', name: 'erasure-test' }, logs);
    workers = await createWorkers({
      connection: env.temporal.nativeConnection,
      config: env.config,
      pool: env.pool,
      openai: createOpenAIClient({ ...env.config.openai }),
      logger,
      workflowBundle: await workflowBundle(),
    });
    workersDone = workers.run();
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger });
  });
  after(async () => {
    workers.shutdown();
    await workersDone;
    await env.stop();
  });

  const call = (method: string, path: string, body?: unknown, token: string = TEST_TOKENS.admin) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const status = async (id: string) =>
    ((await (await call('GET', `/v1/documents/${id}`)).json()) as { status: string }).status;
  const waitForStatus = (id: string, wanted: string) =>
    waitFor(
      () => status(id),
      (s) => s === wanted,
    );
  const erase = async (id: string) => {
    const res = await call('DELETE', `/v1/documents/${id}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Erasure;
  };

  /** A document the model is unsure about: it waits in pending_review. */
  async function pendingDocument(id: string, text: string): Promise<void> {
    env.sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.2 }] });
    assert.equal((await call('POST', '/v1/documents', { id, text }, TEST_TOKENS.submitter)).status, 202);
    await waitForStatus(id, 'pending_review');
  }

  /** Rows of any table, any column, that contain `needle` (the whole row as text is searched). */
  async function rowsHolding(needle: string): Promise<string[]> {
    const { rows: tables } = await env.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const found: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await env.pool.query(
        `SELECT count(*)::int AS n FROM "${table_name}" t WHERE strpos(t::text, $1) > 0`,
        [needle],
      );
      if (rows[0].n > 0) found.push(`${table_name}: ${rows[0].n}`);
    }
    return found;
  }

  const historyGone = (workflowId: string) =>
    waitFor(
      async () => {
        try {
          await env.client.workflow.getHandle(workflowId).describe();
          return false;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return true;
          throw err;
        }
      },
      (gone) => gone,
      // Temporal deletes a history asynchronously; one that has just closed may take some seconds.
      { timeoutMs: 150_000, intervalMs: 500 },
    );

  const workflowShow = (workflowId: string) =>
    execFileAsync(findTemporalCli(), [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--address',
      env.temporal.address,
      '--namespace',
      'default',
      '--output',
      'json',
    ]);

  it('leaves no text, note or history anywhere, and keeps the ledger’s tokens and cost', async () => {
    const id = `erase-reviewed-${run}`;
    const [text, note] = [secret('text'), secret('note')];
    await pendingDocument(id, `${id} ${text} the contract clause limits liability`);
    const review = await call('POST', `/v1/documents/${id}/review`, { category: 'legal', note }, TEST_TOKENS.reviewer);
    assert.equal(review.status, 200);
    // Before: the text is stored, the note is in the result and in the workflow's history, a sample holds the prompt.
    assert.deepEqual((await rowsHolding(text)).sort(), ['documents: 1', 'samples: 1']);
    assert.deepEqual(await rowsHolding(note), ['classifications: 1']);
    const { stdout: before } = await workflowShow(documentWorkflowId(id));
    assert.ok(before.includes(id), 'the history exists before the erasure');

    const erasure = await erase(id);
    assert.equal(erasure.outcome, 'erased');
    assert.deepEqual(erasure.removed, { documents: 1, results: 1, samples: 1, batchMemberships: 0 });
    assert.equal(erasure.stoppedWorkflow, 'none');
    assert.equal(erasure.deletedHistories.length, 1);
    assert.ok(erasure.deletedHistories[0]?.startsWith(`${documentWorkflowId(id)}/`));

    assert.deepEqual(await rowsHolding(text), [], 'a table still holds the text');
    assert.deepEqual(await rowsHolding(note), [], 'a table still holds the review note');
    await historyGone(documentWorkflowId(id));
    await assert.rejects(workflowShow(documentWorkflowId(id)), 'temporal workflow show still finds the history');
    const { rows: ledger } = await env.pool.query(
      'SELECT input_tokens, output_tokens, cost_usd FROM llm_calls WHERE document_id = $1',
      [id],
    );
    assert.equal(ledger.length, 1, 'the ledger keeps the call');
    assert.ok(ledger[0].input_tokens > 0 && ledger[0].cost_usd > 0, 'with its tokens and cost');
    assert.equal(erasure.ledgerCallsKept, 1);
    assert.equal((await call('GET', `/v1/documents/${id}`)).status, 404);
    assert.ok(logs.lines.length > 0, 'the worker and the API logged');
    assert.ok(logs.text().includes(`"documentId":"${id}"`), 'the logs name the document by id');
    assert.ok(!logs.text().includes(text), 'the text reached the logs');
    assert.ok(!logs.text().includes(note), 'the note reached the logs');
  });

  it('is idempotent: erasing again answers already_erased; an id never stored is a 404', async () => {
    const id = `erase-twice-${run}`;
    assert.equal(
      (await call('POST', '/v1/documents', { id, text: `${id} the kubernetes deploy broke` }, TEST_TOKENS.submitter))
        .status,
      202,
    );
    await waitForStatus(id, 'completed');
    const first = await erase(id);
    const second = await erase(id);
    assert.equal(first.outcome, 'erased');
    assert.equal(second.outcome, 'already_erased');
    assert.equal(second.erasedAt, first.erasedAt);
    assert.deepEqual(second.removed, { documents: 0, results: 0, samples: 0, batchMemberships: 0 });
    const { rows } = await env.pool.query('SELECT reason, erased_by FROM erasures WHERE document_id = $1', [id]);
    assert.deepEqual(rows, [{ reason: 'request', erased_by: 'ops' }]);

    const unknown = await call('DELETE', `/v1/documents/never-stored-${run}`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /was ever stored/);
  });

  it('needs an admin token', async () => {
    const id = `erase-forbidden-${run}`;
    assert.equal(
      (await call('POST', '/v1/documents', { id, text: `${id} the kubernetes deploy broke` }, TEST_TOKENS.submitter))
        .status,
      202,
    );
    for (const token of [TEST_TOKENS.submitter, TEST_TOKENS.reviewer]) {
      assert.equal((await call('DELETE', `/v1/documents/${id}`, undefined, token)).status, 403);
    }
    const { rows } = await env.pool.query('SELECT id FROM documents WHERE id = $1', [id]);
    assert.equal(rows.length, 1, 'the document is still there');
  });

  it('cancels a document still waiting for review, then erases it', async () => {
    const id = `erase-pending-${run}`;
    await pendingDocument(id, `${id} ${secret('pending')} the contract clause`);
    const erasure = await erase(id);
    assert.equal(erasure.stoppedWorkflow, 'cancelled');
    assert.equal(erasure.removed.documents, 1);
    await historyGone(documentWorkflowId(id));
    assert.deepEqual(await rowsHolding(secret('pending')), []);
  });

  it('leaves no sample behind from an LLM call still in flight when the document is erased', async () => {
    const id = `erase-in-flight-${run}`;
    const text = secret('in-flight');
    env.sim.addRule({ match: id, faults: ['hang'], repeat: true });
    assert.equal(
      (await call('POST', '/v1/documents', { id, text: `${id} ${text}` }, TEST_TOKENS.submitter)).status,
      202,
    );
    await waitFor(
      async () => env.sim.requestsMatching(id).length,
      (n) => n >= 1,
    );
    const erasure = await erase(id);
    assert.equal(erasure.stoppedWorkflow, 'cancelled');
    // The aborted call finishes after the erasure: it is recorded in the ledger, and its failure sample (which
    // holds the prompt, and so the text) must find the document gone.
    await waitFor(
      async () =>
        (await env.pool.query(`SELECT 1 FROM llm_calls WHERE document_id = $1 AND error_type = 'cancelled'`, [id])).rows
          .length,
      (n) => n === 1,
      { timeoutMs: 60_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(await rowsHolding(text), [], 'the late sample holds the text');
  });

  it('deletes the comparisons that called the model about it', async () => {
    const id = `erase-compared-${run}`;
    const res = await call('POST', '/v1/compare', {
      documents: [{ id, text: `${id} ${secret('compare')} quarterly revenue grew` }],
      a: { promptVersion: 'classify-v1' },
      b: { promptVersion: 'classify-v2' },
    });
    assert.equal(res.status, 202);
    const { compareId } = (await res.json()) as { compareId: string };
    await waitFor(
      async () => ((await (await call('GET', `/v1/compare/${compareId}`)).json()) as { status: string }).status,
      (s) => s === 'done',
    );
    const erasure = await erase(id);
    assert.ok(
      erasure.deletedHistories.some((h) => h.startsWith(`compare-${compareId}/`)),
      JSON.stringify(erasure.deletedHistories),
    );
    await historyGone(`compare-${compareId}`);
    assert.deepEqual(await rowsHolding(secret('compare')), []);
  });

  it("deletes a finished batch's history that recorded the result, and keeps the batch's other documents", async () => {
    const batchId = `erase-batch-${run}`;
    const [gone, kept] = [`${batchId}-a`, `${batchId}-b`];
    // The other document answers later, so the batch is still open when this one completes and records its result.
    env.sim.addRule({ match: kept, faults: [{ kind: 'server_error', latencyMs: 1000 }] });
    const handle = await startTestBatch(env, batchId, [
      { id: gone, text: `${gone} ${secret('batch')} the kubernetes deploy broke` },
      { id: kept, text: `${kept} the kubernetes deploy broke` },
    ]);
    await handle.result();
    const erasure = await erase(gone);
    assert.equal(erasure.removed.batchMemberships, 1);
    assert.ok(
      erasure.deletedHistories.some((h) => h.startsWith(`${batchWorkflowId(batchId)}/`)),
      JSON.stringify(erasure.deletedHistories),
    );
    await historyGone(batchWorkflowId(batchId));
    assert.equal(await status(kept), 'completed');
    const { rows } = await env.pool.query('SELECT total FROM batches WHERE id = $1', [batchId]);
    assert.deepEqual(rows, [{ total: 1 }], "the batch's total follows its members");
  });

  it('keeps the history of a batch still running, lets the batch finish, and deletes it when erased again', async () => {
    const batchId = `erase-open-batch-${run}`;
    const [gone, waiting] = [`${batchId}-a`, `${batchId}-b`];
    // The other document hangs until it is erased, so the batch stays open after this one completes.
    env.sim.addRule({ match: waiting, faults: ['hang'] });
    const handle = await startTestBatch(env, batchId, [
      { id: gone, text: `${gone} the kubernetes deploy broke` },
      { id: waiting, text: `${waiting} the kubernetes deploy broke` },
    ]);
    await waitForStatus(gone, 'completed');
    const recorded = async () =>
      (await handle.fetchHistory()).events?.some(
        (e) =>
          e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId === documentWorkflowId(gone),
      ) ?? false;
    await waitFor(recorded, (yes) => yes);

    const first = await erase(gone);
    assert.deepEqual(
      first.keptHistories.map((k) => k.workflowId),
      [batchWorkflowId(batchId)],
    );
    assert.equal((await handle.describe()).status.name, 'RUNNING', 'the batch goes on');

    // Erasing the document the batch still waits for tells the batch it has settled: the batch finishes.
    assert.equal((await erase(waiting)).stoppedWorkflow, 'cancelled');
    await waitFor(
      async () => (await handle.describe()).status.name,
      (name) => name === 'COMPLETED',
      { timeoutMs: 60_000 },
    );
    const again = await erase(gone);
    assert.equal(again.outcome, 'already_erased');
    assert.deepEqual(again.keptHistories, []);
    assert.ok(
      again.deletedHistories.some((h) => h.startsWith(`${batchWorkflowId(batchId)}/`)),
      JSON.stringify(again.deletedHistories),
    );
  });

  describe('docket erase', () => {
    let api: RunningApi;
    before(async () => {
      api = await startApi(
        { pool: env.pool, client: env.client, config: env.config, logger: createLogger({ level: 'silent' }) },
        { host: '127.0.0.1', port: 0 },
      );
    });
    after(() => api.close());

    const cli = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const sink = (write: (s: string) => void) =>
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            write(chunk.toString('utf8'));
            done();
          },
        });
      const code = await runCli(args, {
        stdin: process.stdin,
        stdout: sink((s) => (stdout += s)),
        stderr: sink((s) => (stderr += s)) as unknown as NodeJS.WriteStream,
        env: { DOCKET_URL: api.url, DOCKET_TOKEN: TEST_TOKENS.admin },
        cwd: process.cwd(),
      });
      return { code, stdout, stderr };
    };

    it('asks for --yes, erases, and says what it removed and kept', async () => {
      const id = `erase-cli-${run}`;
      assert.equal(
        (await call('POST', '/v1/documents', { id, text: `${id} the kubernetes deploy broke` }, TEST_TOKENS.submitter))
          .status,
        202,
      );
      await waitForStatus(id, 'completed');
      const refused = await cli(['erase', id]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--yes/);
      assert.equal((await env.pool.query('SELECT id FROM documents WHERE id = $1', [id])).rows.length, 1);

      const done = await cli(['erase', id, '--yes']);
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, new RegExp(`Erased ${id}`));
      assert.match(done.stdout, /Deleted 1 workflow history/);
      assert.match(done.stdout, /ledger keeps 1 call/);
      const again = await cli(['erase', id, '--yes', '--json']);
      assert.equal(again.code, 0);
      assert.equal((JSON.parse(again.stdout) as Erasure).outcome, 'already_erased');
      const unknown = await cli(['erase', `never-stored-${run}`, '--yes']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /was ever stored/);
    });
  });
});

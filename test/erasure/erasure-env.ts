import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import type { Erasure } from '../../src/client/docket-client.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger } from '../../src/logger.js';
import { createWorkers } from '../../src/worker/create-workers.js';
import { startDocket, TEST_TOKENS, workflowBundle } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const execFileAsync = promisify(execFile);

/** Every line the worker and the API log, at the most verbose level. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  text(): string {
    return this.lines.join('');
  }
}

export type ErasureEnv = Awaited<ReturnType<typeof startErasureEnv>>;

/**
 * Docket with every call sampled (the prompt, which holds the text, is stored whole), a worker and the API in-process
 * logging everything at trace level into `logs`, and helpers that speak to the API and search tables and histories.
 */
export async function startErasureEnv() {
  const env = await startDocket({ worker: false, env: { DOCKET_SAMPLE_RATE: '1' } });
  const logs = new LogCapture();
  const logger = createLogger({ level: 'trace', name: 'erasure-test' }, logs);
  const workers = await createWorkers({
    connection: env.temporal.nativeConnection,
    config: env.config,
    pool: env.pool,
    openai: createOpenAIClient({ ...env.config.openai }),
    logger,
    workflowBundle: await workflowBundle(),
  });
  const workersDone = workers.run();
  const app = createApp({ pool: env.pool, client: env.client, config: env.config, logger });
  // Unique per run, so that a hit can only come from this file's documents.
  const run = randomUUID().slice(0, 8);
  const secret = (name: string) => `SECRET-${name.toUpperCase()}-${run}`;

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

  return {
    env,
    logs,
    run,
    secret,
    call,
    status,
    waitForStatus,
    erase,
    pendingDocument,
    rowsHolding,
    historyGone,
    workflowShow,
    async stop() {
      workers.shutdown();
      await workersDone;
      await env.stop();
    },
  };
}

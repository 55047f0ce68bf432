import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import { runCli } from '../../src/cli/program.js';
import type { Erasure } from '../../src/client/docket-client.js';
import { createLogger } from '../../src/logger.js';
import { documentWorkflowId } from '../../src/shared/names.js';
import { TEST_TOKENS } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { startErasureEnv, type ErasureEnv } from './erasure-env.js';

describe('erasing a document', () => {
  let t: ErasureEnv;
  let env: ErasureEnv['env'];
  let logs: ErasureEnv['logs'];
  let run: ErasureEnv['run'];
  let secret: ErasureEnv['secret'];
  let call: ErasureEnv['call'];
  let waitForStatus: ErasureEnv['waitForStatus'];
  let erase: ErasureEnv['erase'];
  let pendingDocument: ErasureEnv['pendingDocument'];
  let rowsHolding: ErasureEnv['rowsHolding'];
  let historyGone: ErasureEnv['historyGone'];
  let workflowShow: ErasureEnv['workflowShow'];
  before(async () => {
    t = await startErasureEnv();
    ({ env, logs, run, secret, call, waitForStatus, erase, pendingDocument, rowsHolding, historyGone, workflowShow } =
      t);
  });
  after(() => t.stop());

  it('leaves no text, note or history anywhere, and keeps the ledger’s tokens and cost', async () => {
    const id = `erase-reviewed-${run}`;
    const [text, note] = [secret('text'), secret('note')];
    await pendingDocument(id, `${id} ${text} the contract clause limits liability`);
    const review = await call('POST', `/v1/documents/${id}/review`, { category: 'legal', note }, TEST_TOKENS.reviewer);
    assert.equal(review.status, 200);
    // Before: the text is stored, the note is in the result and in the workflow's history, a sample holds the prompt.
    assert.deepEqual((await rowsHolding(text)).sort(), ['documents: 1', 'samples: 1']);
    // The note is in the current result and in its version (classification_versions keeps every version).
    assert.deepEqual((await rowsHolding(note)).sort(), ['classification_versions: 1', 'classifications: 1']);
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

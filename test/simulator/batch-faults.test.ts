import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { NotFoundError } from 'openai';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import {
  BATCH_TEST_PROFILE,
  clientFor,
  createJob,
  documentLines,
  failure,
  readLines,
  waitForJob,
  type OutputLine,
} from './batch-helpers.js';

/** The error code of an error-file line with an HTTP response. */
function httpErrorCode(line: OutputLine | undefined): [number | undefined, unknown] {
  const body = line?.response?.body as { error?: { code?: unknown } } | undefined;
  return [line?.response?.status_code, body?.error?.code];
}

describe('simulator Batch API faults', () => {
  let sim: Simulator;
  let client: OpenAI;

  before(async () => {
    sim = await startSimulator({ profile: BATCH_TEST_PROFILE });
    client = clientFor(sim);
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.setProfile(BATCH_TEST_PROFILE);
  });

  describe('rules', () => {
    it('fails validation for the jobs whose metadata matches, as many times as asked', async () => {
      sim.addBatchRule({ metadata: { docket_job: 'bad' }, faults: ['validation_failed'], batches: 2 });
      const statuses: string[] = [];
      for (const job of ['bad', 'good', 'bad', 'bad']) {
        const { batch } = await waitForJob(client, (await createJob(client, documentLines(1), { docket_job: job })).id);
        statuses.push(batch.status);
        if (batch.status === 'failed') {
          assert.deepEqual(batch.errors?.data, [
            { code: 'invalid_json_line', line: 1, message: 'This line is not parseable as valid JSON.', param: null },
          ]);
        }
      }
      assert.deepEqual(statuses, ['failed', 'completed', 'failed', 'completed']);
    });

    it('reports the errors given, on every job with repeat, until the rules are cleared', async () => {
      const errors = [{ code: 'invalid_request', message: 'Custom problem.', line: null, param: null }];
      sim.addBatchRule({ faults: [{ kind: 'validation_failed', errors }], repeat: true });
      for (let i = 0; i < 3; i += 1) {
        const { batch } = await waitForJob(client, (await createJob(client, documentLines(1))).id);
        assert.deepEqual(batch.errors?.data, errors);
      }
      sim.clearBatchRules();
      assert.equal(
        (await waitForJob(client, (await createJob(client, documentLines(1))).id)).batch.status,
        'completed',
      );
    });

    it('takes rules over POST /_sim/batch-rules and clears them with DELETE', async () => {
      const post = (body: unknown) =>
        fetch(`${sim.url}/_sim/batch-rules`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      assert.equal((await post({ faults: ['nonsense'] })).status, 400);
      assert.equal((await post({ faults: [{ kind: 'error_lines', error: 'invalid_json' }] })).status, 400);
      assert.equal((await post({ faults: ['token_limit_exceeded'], repeat: true })).status, 201);
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(1))).id);
      assert.equal(batch.errors?.data?.[0]?.code, 'token_limit_exceeded');
      assert.match(
        batch.errors?.data?.[0]?.message ?? '',
        /^Enqueued token limit reached for gpt-4o-mini .* 2,000,000/,
      );
      assert.equal((await fetch(`${sim.url}/_sim/batch-rules`, { method: 'DELETE' })).status, 204);
      assert.equal(
        (await waitForJob(client, (await createJob(client, documentLines(1))).id)).batch.status,
        'completed',
      );
    });
  });

  describe('expiry', () => {
    it('expires a job with half its lines done: those in the output, the rest batch_expired in the error file', async () => {
      sim.addBatchRule({ faults: ['expire'] });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(10))).id);
      assert.equal(batch.status, 'expired');
      assert.ok(batch.expired_at !== null && batch.in_progress_at !== null && batch.completed_at === null);
      assert.deepEqual(batch.request_counts, { total: 10, completed: 5, failed: 5 });
      const done = await readLines(client, batch.output_file_id);
      const expired = await readLines(client, batch.error_file_id);
      assert.equal(done.length, 5);
      assert.equal(expired.length, 5);
      for (const line of expired) {
        assert.deepEqual(
          [line.response, line.error],
          [
            null,
            {
              code: 'batch_expired',
              message: 'This request could not be executed before the completion window expired.',
            },
          ],
        );
      }
      const everyId = [...done, ...expired].map((l) => l.custom_id).sort();
      assert.deepEqual(
        everyId,
        documentLines(10)
          .map((l) => String(l['custom_id']))
          .sort(),
      );
      const report = sim.batchJobs()[0];
      assert.equal(report?.lines.filter((l) => l.outcome === 'expired' && l.billed.promptTokens === 0).length, 5);
    });

    it('expires a job whose completion window closes before its last line', async () => {
      sim.setProfile({ batchClock: { validatingMs: 50, perRequestMs: 20, windowMs: 150 } });
      const created = await createJob(client, documentLines(10));
      assert.equal(created.expires_at, Math.floor((sim.batchJobs()[0]?.createdAt ?? 0) / 1000 + 0.15));
      const { batch } = await waitForJob(client, created.id);
      assert.equal(batch.status, 'expired');
      assert.deepEqual(batch.request_counts, { total: 10, completed: 5, failed: 5 }, '(150 - 50) / 20 lines done');
    });
  });

  describe('error lines', () => {
    it('answers a share of the lines with 429 rate_limit_exceeded in the error file', async () => {
      sim.addBatchRule({ faults: [{ kind: 'error_lines', error: 'rate_limit', share: 0.5 }] });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(10))).id);
      assert.deepEqual(batch.request_counts, { total: 10, completed: 5, failed: 5 });
      const errors = await readLines(client, batch.error_file_id);
      assert.equal(errors.length, 5);
      for (const line of errors) {
        assert.deepEqual(httpErrorCode(line), [429, 'rate_limit_exceeded']);
        assert.equal(line.error, null);
      }
      assert.equal((await readLines(client, batch.output_file_id)).length, 5);
    });

    it('answers chosen lines with 500 server_error and 400 context_length_exceeded', async () => {
      sim.addBatchRule({
        faults: [
          { kind: 'error_lines', error: 'server_error', customIds: ['doc-1', 'doc-4'] },
          { kind: 'error_lines', error: 'context_length_exceeded', customIds: ['doc-2'] },
        ],
      });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(6))).id);
      const errors = new Map((await readLines(client, batch.error_file_id)).map((l) => [l.custom_id, l]));
      assert.deepEqual([...errors.keys()].sort(), ['doc-1', 'doc-2', 'doc-4']);
      assert.deepEqual(httpErrorCode(errors.get('doc-1')), [500, null]);
      assert.deepEqual(httpErrorCode(errors.get('doc-4')), [500, null]);
      assert.deepEqual(httpErrorCode(errors.get('doc-2')), [400, 'context_length_exceeded']);
      const billed = sim.batchJobs()[0]?.lines.filter((l) => l.outcome === 'failed' && l.billed.promptTokens > 0);
      assert.deepEqual(billed, [], 'failed lines are not billed');
    });
  });

  describe('missing and duplicate lines', () => {
    it('never returns a missing line, though it ran and was billed', async () => {
      sim.addBatchRule({ faults: [{ kind: 'missing_lines', customIds: ['doc-2'] }] });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(5))).id);
      assert.deepEqual(batch.request_counts, { total: 5, completed: 5, failed: 0 });
      const ids = (await readLines(client, batch.output_file_id)).map((l) => l.custom_id);
      assert.equal(ids.length, 4);
      assert.ok(!ids.includes('doc-2'));
      assert.equal(batch.error_file_id, null);
      const line = sim.batchJobs()[0]?.lines.find((l) => l.customId === 'doc-2');
      assert.deepEqual([line?.outcome, line?.returned], ['succeeded', 0]);
      assert.ok((line?.billed.promptTokens ?? 0) > 0);
    });

    it('returns a duplicate line twice', async () => {
      sim.addBatchRule({ faults: [{ kind: 'duplicate_lines', customIds: ['doc-3'] }, 'missing_lines'] });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(5))).id);
      const ids = (await readLines(client, batch.output_file_id)).map((l) => l.custom_id);
      const report = sim.batchJobs()[0];
      const missing = report?.lines.find((l) => l.returned === 0)?.customId;
      assert.equal(ids.filter((id) => id === 'doc-3').length, missing === 'doc-3' ? 0 : 2);
      assert.equal(ids.length, missing === 'doc-3' ? 4 : 5, 'one missing line, one line twice');
      assert.deepEqual(report?.faults, ['duplicate_lines', 'missing_lines']);
    });
  });

  describe('slow output', () => {
    it('sets output_file_id while the file still answers 404 for a while', async () => {
      sim.addBatchRule({ faults: [{ kind: 'slow_output', ms: 2500 }] });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(3))).id);
      assert.equal(batch.status, 'completed');
      assert.ok(batch.output_file_id);
      const early = await failure(client.files.content(batch.output_file_id));
      assert.ok(early instanceof NotFoundError);
      assert.ok((await failure(client.files.retrieve(batch.output_file_id))) instanceof NotFoundError);
      for (;;) {
        const lines = await readLines(client, batch.output_file_id).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        });
        if (lines) {
          assert.equal(lines.length, 3);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    it('stays finalizing for longer', async () => {
      sim.addBatchRule({ faults: [{ kind: 'slow_output', stage: 'finalizing', ms: 2000 }] });
      const { id } = await createJob(client, documentLines(2));
      const finalizing = await waitForJob(client, id, (b) => b.status !== 'validating' && b.status !== 'in_progress');
      assert.equal(finalizing.batch.status, 'finalizing');
      const { batch } = await waitForJob(client, id);
      assert.equal(batch.status, 'completed');
      assert.ok((batch.completed_at ?? 0) - (batch.finalizing_at ?? 0) >= 2);
      assert.equal((await readLines(client, batch.output_file_id)).length, 2);
    });
  });

  describe('determinism', () => {
    it('picks the same lines for a share from the same seed', async () => {
      const run = async (): Promise<string[]> => {
        const own = await startSimulator({ profile: { ...BATCH_TEST_PROFILE, seed: 11 } });
        try {
          own.addBatchRule({ faults: [{ kind: 'error_lines', share: 0.3 }] });
          const ownClient = clientFor(own);
          const { batch } = await waitForJob(ownClient, (await createJob(ownClient, documentLines(10))).id);
          return (await readLines(ownClient, batch.error_file_id)).map((l) => l.custom_id);
        } finally {
          await own.close();
        }
      };
      const first = await run();
      assert.equal(first.length, 3);
      assert.deepEqual(await run(), first);
    });
  });
});

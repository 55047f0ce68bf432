import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { BadRequestError, NotFoundError, RateLimitError, toFile } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { startSimulator, type BatchJobReport, type Simulator } from '../../src/simulator/index.js';
import {
  BATCH_TEST_PROFILE,
  chatBody,
  clientFor,
  completionOf,
  createJob,
  documentLines,
  failure,
  FAST_CLOCK,
  readLines,
  requestLine,
  uploadLines,
  waitForJob,
} from './batch-helpers.js';

const STATUS_ORDER = ['validating', 'in_progress', 'finalizing', 'completed'];

describe('simulator Batches API', () => {
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

  describe('a job that runs to the end', () => {
    it('moves from validating to completed and writes one output line per request, in OpenAI format', async () => {
      const created = await createJob(client, documentLines(8), { docket_job: 'job-1' });
      assert.match(created.id, /^batch_[0-9a-f]{32}$/);
      assert.deepEqual(
        [created.object, created.status, created.endpoint, created.completion_window, created.output_file_id],
        ['batch', 'validating', '/v1/chat/completions', '24h', null],
      );
      assert.deepEqual(created.request_counts, { total: 0, completed: 0, failed: 0 });
      assert.deepEqual(created.metadata, { docket_job: 'job-1' });
      assert.equal(created.expires_at, created.created_at + 24 * 3600);

      const { batch, seen } = await waitForJob(client, created.id);
      assert.equal(batch.status, 'completed');
      assert.deepEqual(
        seen,
        STATUS_ORDER.filter((s) => seen.includes(s)),
        `statuses in order: ${seen.join(' ')}`,
      );
      assert.deepEqual(batch.request_counts, { total: 8, completed: 8, failed: 0 });
      assert.equal(batch.error_file_id, null);
      assert.equal(batch.errors, null);
      assert.equal(batch.model, 'gpt-4o-mini');
      const times = [batch.created_at, batch.in_progress_at, batch.finalizing_at, batch.completed_at];
      assert.ok(
        times.every((t, i) => typeof t === 'number' && (i === 0 || t >= (times[i - 1] ?? 0))),
        `${times}`,
      );
      assert.deepEqual(
        [batch.failed_at, batch.expired_at, batch.cancelling_at, batch.cancelled_at],
        [null, null, null, null],
      );

      const lines = await readLines(client, batch.output_file_id);
      assert.deepEqual(
        lines.map((l) => l.custom_id).sort(),
        documentLines(8)
          .map((l) => l['custom_id'])
          .sort(),
      );
      for (const line of lines) {
        assert.match(line.id, /^batch_req_[A-Za-z0-9]{24}$/);
        assert.match(line.response?.request_id ?? '', /^[0-9a-f]{32}$/);
        assert.equal(line.error, null);
        assert.equal(completionOf(line).object, 'chat.completion');
      }
      const output = await client.files.retrieve(batch.output_file_id ?? '');
      assert.equal(output.purpose, 'batch_output');
      assert.equal(output.filename, `${batch.id}_output.jsonl`);
    });

    it('answers each line exactly as /v1/chat/completions answers the same request', async () => {
      const bodies = [
        chatBody('doc-a: the server api crashed after the deploy'),
        chatBody('doc-b: quarterly revenue and profit grew'),
        chatBody('doc-c: the contract clause on liability', { max_tokens: 5 }),
      ];
      const { id } = await createJob(
        client,
        bodies.map((body, i) => requestLine(`line-${i}`, body)),
      );
      const { batch } = await waitForJob(client, id);
      const answers = new Map(
        (await readLines(client, batch.output_file_id)).map((l) => [l.custom_id, completionOf(l)]),
      );
      for (const [i, body] of bodies.entries()) {
        const realtime = await client.chat.completions.create(
          body as unknown as ChatCompletionCreateParamsNonStreaming,
        );
        const batched = answers.get(`line-${i}`);
        assert.equal(batched?.choices[0]?.message.content, realtime.choices[0]?.message.content);
        assert.equal(batched?.choices[0]?.finish_reason, realtime.choices[0]?.finish_reason);
        assert.equal(batched?.usage?.prompt_tokens, realtime.usage?.prompt_tokens);
        assert.equal(batched?.usage?.completion_tokens, realtime.usage?.completion_tokens);
      }
      const usage = [...answers.values()].reduce((sum, c) => sum + (c.usage?.total_tokens ?? 0), 0);
      assert.equal(batch.usage?.total_tokens, usage);
    });

    it('reports cached tokens for a repeated long system prompt, as realtime calls do', async () => {
      const system = `Classify the document. ${'Guidelines apply to every document. '.repeat(150)}`;
      const prefixTokens = Math.ceil(system.length / 4) + 4;
      const rows = Array.from({ length: 4 }, (_, i) =>
        requestLine(`doc-${i}`, {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: `document ${i}` },
          ],
        }),
      );
      const { batch } = await waitForJob(client, (await createJob(client, rows)).id);
      const cached = (await readLines(client, batch.output_file_id)).map(
        (line) => completionOf(line).usage?.prompt_tokens_details?.cached_tokens,
      );
      const hit = Math.floor(prefixTokens / 128) * 128;
      assert.deepEqual(cached, [0, hit, hit, hit], 'the first line run warms the cache for the others');
      assert.equal(batch.usage?.input_tokens_details.cached_tokens, 3 * hit);
    });

    it('applies the realtime fault rules to the lines they match', async () => {
      sim.addRule({ match: 'doc-1:', faults: ['invalid_json'] });
      sim.addRule({ match: 'doc-2:', faults: ['context_length_exceeded'] });
      sim.addRule({ match: 'doc-3:', faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(5))).id);
      assert.deepEqual(batch.request_counts, { total: 5, completed: 4, failed: 1 });
      const output = new Map(
        (await readLines(client, batch.output_file_id)).map((l) => [l.custom_id, completionOf(l)]),
      );
      assert.throws(() => JSON.parse(output.get('doc-1')?.choices[0]?.message.content ?? ''));
      assert.equal(JSON.parse(output.get('doc-3')?.choices[0]?.message.content ?? '{}').confidence, 0.25);
      const [error, ...others] = await readLines(client, batch.error_file_id);
      assert.equal(others.length, 0);
      assert.equal(error?.custom_id, 'doc-2');
      assert.equal(error?.response?.status_code, 400);
      assert.equal(error?.error, null, 'an HTTP error is in response.body, as OpenAI writes it');
      assert.deepEqual(
        (error?.response?.body as { error: { code: string; param: string } }).error.code,
        'context_length_exceeded',
      );
    });

    it('answers a line whose body is not a valid chat request with a 400 line, as a realtime call would be', async () => {
      const rows = [...documentLines(2), requestLine('bad-body', { model: 'gpt-4o-mini', messages: [] })];
      const { batch } = await waitForJob(client, (await createJob(client, rows)).id);
      assert.deepEqual(batch.request_counts, { total: 3, completed: 2, failed: 1 });
      const [line] = await readLines(client, batch.error_file_id);
      assert.equal(line?.custom_id, 'bad-body');
      assert.equal(line?.response?.status_code, 400);
      assert.equal((line?.response?.body as { error: { code: string } }).error.code, 'empty_array');
    });
  });

  describe('ordering', () => {
    it('returns lines in an order that is not the input order, the same for the same seed', async () => {
      const run = async (seed: number): Promise<string[]> => {
        const own = await startSimulator({ profile: { ...BATCH_TEST_PROFILE, seed } });
        try {
          const ownClient = clientFor(own);
          const { batch } = await waitForJob(ownClient, (await createJob(ownClient, documentLines(12))).id);
          return (await readLines(ownClient, batch.output_file_id)).map((l) => l.custom_id);
        } finally {
          await own.close();
        }
      };
      const inputOrder = documentLines(12).map((l) => l['custom_id']);
      const first = await run(7);
      assert.notDeepEqual(first, inputOrder);
      assert.deepEqual([...first].sort(), [...inputOrder].sort());
      assert.deepEqual(await run(7), first, 'same seed, same order');
      assert.notDeepEqual(await run(8), first, 'another seed, another order');
    });

    it('never returns two lines in input order', async () => {
      for (let i = 0; i < 4; i += 1) {
        const { batch } = await waitForJob(client, (await createJob(client, documentLines(2, `pair${i}`))).id);
        const order = (await readLines(client, batch.output_file_id)).map((l) => l.custom_id);
        assert.deepEqual(order, [`pair${i}-1`, `pair${i}-0`]);
      }
    });
  });

  describe('validation', () => {
    it('accepts a file with bad lines and fails the job at validation, naming each line', async () => {
      const good = documentLines(1)[0] ?? {};
      const rows = [
        good,
        'not json',
        { ...good, custom_id: 'doc-0' },
        { ...good, custom_id: 'wrong-url', url: '/v1/embeddings' },
        { ...good, custom_id: 'wrong-method', method: 'GET' },
        { custom_id: 'no-body', method: 'POST', url: '/v1/chat/completions' },
        requestLine('other-model', chatBody('x', { model: 'gpt-4o' })),
      ];
      const file = await uploadLines(client, rows);
      assert.equal(file.status, 'processed', 'the upload itself is accepted');
      const created = await client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      assert.equal(created.status, 'validating');
      const { batch } = await waitForJob(client, created.id);
      assert.equal(batch.status, 'failed');
      assert.ok(batch.failed_at !== null && batch.in_progress_at === null);
      assert.deepEqual(
        batch.errors?.data?.map((e) => [e.code, e.line]),
        [
          ['invalid_json_line', 2],
          ['duplicate_custom_id', 3],
          ['url_mismatch', 4],
          ['invalid_method', 5],
          ['missing_required_parameter', 6],
          ['model_mismatch', 7],
        ],
      );
      assert.equal(batch.errors?.data?.[0]?.message, 'This line is not parseable as valid JSON.');
      assert.deepEqual([batch.output_file_id, batch.error_file_id], [null, null]);
      assert.deepEqual(batch.request_counts, { total: 0, completed: 0, failed: 0 });
    });

    it('fails an empty file and a file with more requests than the per-file limit', async () => {
      const empty = await client.files.create({ file: await toFile(Buffer.from(''), 'empty.jsonl'), purpose: 'batch' });
      const emptyJob = await client.batches.create({
        input_file_id: empty.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      assert.equal((await waitForJob(client, emptyJob.id)).batch.errors?.data?.[0]?.code, 'empty_file');

      sim.setProfile({ batchLimits: { maxRequestsPerFile: 3 } });
      const fits = await waitForJob(client, (await createJob(client, documentLines(3))).id);
      assert.equal(fits.batch.status, 'completed');
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(4))).id);
      assert.equal(batch.status, 'failed');
      assert.equal(batch.errors?.data?.[0]?.code, 'too_many_tasks');
      assert.match(batch.errors?.data?.[0]?.message ?? '', /4 requests, more than the limit of 3/);
    });

    it('refuses a create request with a clear 400 or 404 naming the parameter', async () => {
      const file = await uploadLines(client, documentLines(1));
      const create = (body: Record<string, unknown>) =>
        failure(
          client.batches.create({
            input_file_id: file.id,
            endpoint: '/v1/chat/completions',
            completion_window: '24h',
            ...body,
          } as Parameters<typeof client.batches.create>[0]),
        );
      const cases: [Record<string, unknown>, string, string | null][] = [
        [{ input_file_id: undefined }, 'input_file_id', 'missing_required_parameter'],
        [{ completion_window: '1h' }, 'completion_window', 'invalid_value'],
        [{ endpoint: '/v1/nothing' }, 'endpoint', 'invalid_value'],
        [{ endpoint: '/v1/embeddings' }, 'endpoint', 'unsupported_value'],
        [
          { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
          'metadata',
          'object_above_max_properties',
        ],
        [{ metadata: { key: 'v'.repeat(513) } }, 'metadata.key', 'string_above_max_length'],
      ];
      for (const [body, param, code] of cases) {
        const error = await create(body);
        assert.ok(error instanceof BadRequestError, `${JSON.stringify(body).slice(0, 60)}: ${String(error)}`);
        assert.deepEqual([error.param, error.code], [param, code]);
      }
      const unknown = await create({ input_file_id: 'file-nothing' });
      assert.ok(unknown instanceof NotFoundError);
      assert.equal(unknown.param, 'input_file_id');

      const notes = await client.files.create({
        file: await toFile(Buffer.from('x'), 'n.jsonl'),
        purpose: 'user_data',
      });
      const wrongPurpose = await create({ input_file_id: notes.id });
      assert.ok(wrongPurpose instanceof BadRequestError);
      assert.match(wrongPurpose.message, /must be uploaded with purpose 'batch'/);
      assert.ok((await failure(client.batches.retrieve('batch_nothing'))) instanceof NotFoundError);
      assert.equal(sim.batchJobs().length, 0, 'no job was created');
    });
  });

  describe('the enqueued-token limit', () => {
    it("fails a job that would take its model's enqueued tokens over the limit, with OpenAI's wording", async () => {
      sim.setProfile({ batchClock: { perRequestMs: 300 } });
      const first = await createJob(client, documentLines(10));
      const enqueued = sim.batchJobs()[0]?.enqueuedTokens ?? 0;
      assert.ok(enqueued > 0);
      sim.setProfile({ batchLimits: { maxEnqueuedTokens: { 'gpt-4o-mini': enqueued + 10 } } });

      const second = await waitForJob(client, (await createJob(client, documentLines(2, 'more'))).id);
      assert.equal(second.batch.status, 'failed');
      assert.deepEqual(second.batch.errors?.data, [
        {
          code: 'token_limit_exceeded',
          line: null,
          message:
            `Enqueued token limit reached for gpt-4o-mini in organization org-docket-simulator. Limit: ` +
            `${(enqueued + 10).toLocaleString('en-US')} enqueued tokens. Please try again once some in_progress ` +
            'batches have been completed.',
          param: null,
        },
      ]);
      assert.equal((await client.batches.retrieve(first.id)).status, 'in_progress', 'the first job runs on');

      await waitForJob(client, first.id);
      const third = await waitForJob(client, (await createJob(client, documentLines(2, 'later'))).id);
      assert.equal(third.batch.status, 'completed', 'room again once the first job has completed');
    });

    it('lifts the limit when it is set to null', async () => {
      sim.setProfile({ batchLimits: { maxEnqueuedTokens: { 'gpt-4o-mini': 1 } } });
      assert.equal((await waitForJob(client, (await createJob(client, documentLines(1))).id)).batch.status, 'failed');
      sim.setProfile({ batchLimits: { maxEnqueuedTokens: { 'gpt-4o-mini': null } } });
      assert.equal(
        (await waitForJob(client, (await createJob(client, documentLines(1))).id)).batch.status,
        'completed',
      );
    });
  });

  describe('cancel', () => {
    it('cancels a running job: cancelling, then cancelled, with the lines done so far in the output file', async () => {
      sim.setProfile({ batchClock: { perRequestMs: 40, cancellingMs: 150 } });
      const { id } = await createJob(client, documentLines(40));
      await waitForJob(client, id, (b) => (b.request_counts?.completed ?? 0) >= 3);
      const cancelling = await client.batches.cancel(id);
      assert.equal(cancelling.status, 'cancelling');
      assert.ok(cancelling.cancelling_at !== null && cancelling.cancelled_at === null);
      const done = cancelling.request_counts?.completed ?? 0;
      assert.ok(done >= 3 && done < 40, `${done} lines done`);
      assert.equal((await client.batches.cancel(id)).status, 'cancelling', 'a second cancel changes nothing');

      const { batch } = await waitForJob(client, id);
      assert.equal(batch.status, 'cancelled');
      assert.ok(batch.cancelled_at !== null && batch.completed_at === null);
      assert.deepEqual(batch.request_counts, { total: 40, completed: done, failed: 0 });
      const lines = await readLines(client, batch.output_file_id);
      assert.equal(lines.length, done);
      assert.equal(batch.error_file_id, null, 'lines never run appear in no file');
      const report = sim.batchJobs()[0];
      assert.equal(report?.lines.filter((l) => l.outcome === 'not_run').length, 40 - done);
      assert.ok(report?.lines.every((l) => (l.outcome === 'not_run') === (l.returned === 0)));
    });

    it('cancels a validating job without any file, and refuses to cancel a job that has ended', async () => {
      // Validating long enough for the cancel to reach it on a loaded machine.
      sim.setProfile({ batchClock: { ...FAST_CLOCK, validatingMs: 10_000 } });
      const validating = await createJob(client, documentLines(3));
      sim.setProfile({ batchClock: FAST_CLOCK });
      const cancelled = await waitForJob(client, (await client.batches.cancel(validating.id)).id);
      assert.equal(cancelled.batch.status, 'cancelled');
      assert.equal(cancelled.batch.in_progress_at, null);
      assert.deepEqual([cancelled.batch.output_file_id, cancelled.batch.error_file_id], [null, null]);

      const { batch } = await waitForJob(client, (await createJob(client, documentLines(2))).id);
      const error = await failure(client.batches.cancel(batch.id));
      assert.ok(error instanceof BadRequestError);
      assert.equal(error.message, "400 Cannot cancel a batch with status 'completed'.");
    });
  });

  describe('list', () => {
    it('lists jobs newest first, in pages with an after cursor', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await createJob(client, documentLines(1, `list${i}`))).id);
      const newestFirst = [...ids].reverse();

      const page = await client.batches.list({ limit: 2 });
      assert.deepEqual(
        page.data.map((b) => b.id),
        newestFirst.slice(0, 2),
      );
      assert.equal(page.has_more, true);
      const next = await page.getNextPage();
      assert.deepEqual(
        next.data.map((b) => b.id),
        newestFirst.slice(2, 4),
      );
      const last = await client.batches.list({ limit: 2, after: newestFirst[3] ?? '' });
      assert.deepEqual([last.data.map((b) => b.id), last.has_more], [newestFirst.slice(4), false]);

      const all: string[] = [];
      for await (const batch of client.batches.list({ limit: 2 })) all.push(batch.id);
      assert.deepEqual(all, newestFirst);
      assert.equal(sim.batchApiRequests.filter((r) => r.operation === 'batches.list').length, 3 + 3);

      const tooMany = await failure(client.batches.list({ limit: 101 }));
      assert.ok(tooMany instanceof BadRequestError);
      assert.deepEqual([tooMany.param, tooMany.code], ['limit', 'integer_above_max_value']);
    });
  });

  describe('counters and limits', () => {
    it('records uploads, creations and downloads, and reports each line and its billing', async () => {
      const { id } = await createJob(client, documentLines(3), { docket_job: 'counted' });
      const { batch } = await waitForJob(client, id);
      await readLines(client, batch.output_file_id);
      const count = (operation: string) => sim.batchApiRequests.filter((r) => r.operation === operation).length;
      assert.deepEqual([count('files.create'), count('batches.create'), count('files.content')], [1, 1, 1]);
      assert.ok(count('batches.retrieve') >= 1);
      const creation = sim.batchApiRequests.find((r) => r.operation === 'batches.create');
      assert.deepEqual([creation?.status, creation?.batchId], [200, id]);

      const [report] = sim.batchJobs();
      assert.deepEqual(
        [report?.id, report?.status, report?.metadata, report?.outputFileId],
        [id, 'completed', { docket_job: 'counted' }, batch.output_file_id],
      );
      const billed = report?.lines.reduce((sum, l) => sum + l.billed.promptTokens + l.billed.completionTokens, 0);
      assert.equal(billed, batch.usage?.total_tokens);
      assert.ok(report?.lines.every((l) => l.outcome === 'succeeded' && l.returned === 1 && l.statusCode === 200));

      const control = (path: string) => fetch(`${sim.url}/_sim/${path}`).then((r) => r.json());
      const overHttp = (await control('batches')) as BatchJobReport[];
      assert.deepEqual(overHttp, JSON.parse(JSON.stringify(sim.batchJobs())));
      const creations = (await control('batch-requests?operation=batches.create')) as unknown[];
      assert.equal(creations.length, 1);
      assert.equal(sim.requests.length, 0, 'batch lines are not realtime chat completions');
    });

    it('keeps batch lines outside the realtime requests-per-minute limit', async () => {
      sim.setProfile({ rpm: 1 });
      const { batch } = await waitForJob(client, (await createJob(client, documentLines(6))).id);
      assert.deepEqual(batch.request_counts, { total: 6, completed: 6, failed: 0 });
      await client.chat.completions.create(
        chatBody('realtime one') as unknown as ChatCompletionCreateParamsNonStreaming,
      );
      const limited = await failure(
        client.chat.completions.create(chatBody('realtime two') as unknown as ChatCompletionCreateParamsNonStreaming),
      );
      assert.ok(limited instanceof RateLimitError, 'the realtime pool is its own: one call, then 429');
      sim.setProfile({ rpm: undefined });
    });
  });

  describe('HTTP controls', () => {
    it('sets the clock and limits over PUT /_sim/profile and forgets files and jobs on reset', async () => {
      const put = await fetch(`${sim.url}/_sim/profile`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ batchClock: { validatingMs: 5 }, batchLimits: { maxEnqueuedTokens: { 'gpt-4o': 5 } } }),
      });
      assert.equal(put.status, 200);
      const profile = (await put.json()) as { batchClock: typeof FAST_CLOCK; batchLimits: unknown };
      assert.deepEqual(profile.batchClock, { ...FAST_CLOCK, validatingMs: 5 });
      assert.deepEqual(profile.batchLimits, {
        maxRequestsPerFile: 50_000,
        maxBytesPerFile: 200 * 1024 * 1024,
        maxEnqueuedTokens: { 'gpt-4o': 5 },
      });
      const bad = await fetch(`${sim.url}/_sim/profile`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ batchClock: { validatingMs: -1 } }),
      });
      assert.equal(bad.status, 400);

      await waitForJob(client, (await createJob(client, documentLines(1))).id);
      assert.equal((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).status, 204);
      assert.equal((await client.files.list()).data.length, 0);
      assert.equal((await client.batches.list()).data.length, 0);
      assert.equal(sim.batchApiRequests.length, 2, 'the two lists above');
    });
  });
});

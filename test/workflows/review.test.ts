import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startDocumentWorkflow } from '../../src/documents/submit.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { reviewSignal } from '../../src/shared/messages.js';
import { SA } from '../../src/shared/search-attributes.js';
import { DEFAULT_TAXONOMY } from '../../src/shared/taxonomy.js';
import type { ReviewTimeoutPolicy } from '../../src/shared/workflow-types.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { serveApp, type ServedApp } from '../helpers/browser.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

describe('human review', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let n = 0;
  before(async () => {
    env = await startDocket();
    api = testApi(env);
  });
  after(() => env.stop());

  /** A document the model is unsure about: it waits in pending_review with a suggestion. */
  async function pendingDocument(): Promise<string> {
    const id = `review-${++n}-${Date.now()}`;
    env.sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    await api.submit({ id, text: `${id} the contract clause limits liability under GDPR` });
    await api.waitForStatus(id, 'pending_review');
    return id;
  }
  const storedDecision = async (id: string) =>
    (
      await env.pool.query(
        'SELECT category, decided_by, reviewer, review_note, unreviewed FROM classifications WHERE document_id = $1',
        [id],
      )
    ).rows;

  describe('through the API', () => {
    it('completes the document with the token name as reviewer', async () => {
      const id = await pendingDocument();
      const res = await api.review(id, { category: 'legal', note: 'clearly a contract' });
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        status: string;
        result: { category: string; decidedBy: string; reviewer: string };
      };
      assert.equal(body.status, 'completed');
      assert.deepEqual([body.result.category, body.result.decidedBy, body.result.reviewer], ['legal', 'human', 'ann']);
      assert.deepEqual(await storedDecision(id), [
        {
          category: 'legal',
          decided_by: 'human',
          reviewer: 'ann',
          review_note: 'clearly a contract',
          unreviewed: false,
        },
      ]);
    });

    it('rejects a second decision with 409 and keeps the first', async () => {
      const id = await pendingDocument();
      assert.equal((await api.review(id, { category: 'legal' })).status, 200);
      const second = await api.review(id, { category: 'business' });
      assert.equal(second.status, 409);
      assert.equal((await storedDecision(id))[0]?.category, 'legal');
    });

    it('rejects a review from a submitter token with 403', async () => {
      const id = await pendingDocument();
      const res = await api.review(id, { category: 'legal' }, TEST_TOKENS.submitter);
      assert.equal(res.status, 403);
      assert.equal((await api.get(id)).status, 'pending_review');
    });

    it('rejects a category outside the taxonomy with 400 that lists the categories', async () => {
      const id = await pendingDocument();
      const res = await api.review(id, { category: 'Legal' });
      assert.equal(res.status, 400);
      assert.match(
        ((await res.json()) as { error: { message: string } }).error.message,
        /technical, business, legal, marketing, other/,
      );
      assert.equal((await api.get(id)).status, 'pending_review');
    });

    it('rejects a decision when nothing is pending with 409', async () => {
      const id = `done-${Date.now()}`;
      await api.submit({ id, text: `${id} revenue and sales grew this quarter` });
      await api.waitForStatus(id, 'completed');
      assert.equal((await api.review(id, { category: 'legal' })).status, 409);
      assert.equal((await api.review('no-such-document', { category: 'legal' })).status, 404);
    });

    it('reports how often reviewers agree with the model, by category, prompt version and model', async () => {
      const agreeing = await pendingDocument();
      const suggested = (await api.get(agreeing)).review?.suggestion?.category;
      assert.ok(suggested);
      assert.equal((await api.review(agreeing, { category: suggested })).status, 200);
      const res = await api.call('/v1/reports/agreement', { token: TEST_TOKENS.reviewer });
      assert.equal(res.status, 200);
      type Row = { key: string; decided: number; agreed: number; rate: number };
      const report = (await res.json()) as { overall: Row; byCategory: Row[]; byPromptVersion: Row[]; byModel: Row[] };
      const { rows } = await env.pool.query(
        `SELECT count(*)::int AS decided, count(*) FILTER (WHERE category = suggested_category)::int AS agreed
         FROM classifications WHERE decided_by = 'human' AND suggested_category IS NOT NULL`,
      );
      assert.deepEqual([report.overall.decided, report.overall.agreed], [rows[0].decided, rows[0].agreed]);
      assert.ok(report.overall.agreed >= 1);
      assert.equal(report.overall.rate, report.overall.agreed / report.overall.decided);
      assert.equal(report.byModel[0]?.key, 'gpt-4o-mini');
      assert.ok(report.byCategory.some((r) => r.key === suggested && r.agreed >= 1));
      assert.ok(report.byPromptVersion.length >= 1);
    });

    it('lists pending reviews with an excerpt, suggestion and reason', async () => {
      const id = await pendingDocument();
      type Item = { id: string; reason: string; excerpt: string; suggestion?: { confidence: number } };
      const list = async () => {
        const res = await api.call('/v1/reviews', { token: TEST_TOKENS.reviewer });
        assert.equal(res.status, 200);
        return ((await res.json()) as { reviews: Item[] }).reviews.find((r) => r.id === id);
      };
      const item = await waitFor(list, (r) => r !== undefined);
      assert.equal(item?.reason, 'low_confidence');
      assert.equal(item?.suggestion?.confidence, 0.25);
      assert.match(item?.excerpt ?? '', /contract clause/);
    });
  });

  it('dates a pending review from when it began waiting, not from submission', async () => {
    const id = `review-late-${Date.now()}`;
    // A rate limit first (Retry-After 2 s), then an answer too unsure to store.
    env.sim.addRule({
      match: id,
      faults: [
        { kind: 'rate_limit', retryAfterMs: 2_000 },
        { kind: 'low_confidence', confidence: 0.25 },
      ],
    });
    await api.submit({ id, text: `${id} the contract clause limits liability under GDPR` });
    await api.waitForStatus(id, 'pending_review');
    const res = await api.call('/v1/reviews', { token: TEST_TOKENS.reviewer });
    const item = ((await res.json()) as { reviews: { id: string; since: string }[] }).reviews.find((r) => r.id === id);
    const { startTime } = await env.client.workflow.getHandle(`classify-${id}`).describe();
    const { rows } = await env.pool.query<{ last: Date }>(
      'SELECT max(started_at) AS last FROM llm_calls WHERE document_id = $1',
      [id],
    );
    const since = new Date(item?.since ?? 0).getTime();
    assert.ok(
      since - startTime.getTime() >= 2_000,
      `since ${item?.since}, workflow started ${startTime.toISOString()}`,
    );
    assert.ok(since >= (rows[0]?.last.getTime() ?? Infinity), 'not before the call that sent it to review');
  });

  describe('through Temporal', () => {
    // Payloads are encrypted: the CLI encodes and decodes them through the API's codec endpoint, as an operator would.
    let codec: ServedApp;
    before(async () => {
      codec = await serveApp(api.app);
    });
    after(() => codec?.close());

    /** Sends a message to a document's workflow with the Temporal CLI, as an operator would. */
    const temporalCli = (command: 'update' | 'signal', name: string, id: string, input: unknown) =>
      run(findTemporalCli(), [
        '--codec-endpoint',
        `${codec.url}/codec`,
        '--codec-auth',
        `Bearer ${TEST_TOKENS.reviewer}`,
        'workflow',
        ...(command === 'update' ? ['update', 'execute'] : ['signal']),
        '--name',
        name,
        '--workflow-id',
        `classify-${id}`,
        '--input',
        JSON.stringify(input),
        '--address',
        env.temporal.address,
        '--namespace',
        'default',
      ]);

    it('accepts the submitReview update from the Temporal CLI', async () => {
      const id = await pendingDocument();
      await temporalCli('update', 'submitReview', id, { category: 'legal', reviewer: 'temporal-cli-user' });
      const doc = await api.waitForStatus(id, 'completed');
      assert.equal(doc.result?.reviewer, 'temporal-cli-user');
    });

    it('reports a rejected update from the Temporal CLI and leaves the document pending', async () => {
      const id = await pendingDocument();
      await assert.rejects(
        temporalCli('update', 'submitReview', id, { category: 'nonsense', reviewer: 'x' }),
        /not in taxonomy/,
      );
      assert.equal((await api.get(id)).status, 'pending_review');
    });

    it('accepts the review signal from the Temporal CLI', async () => {
      const id = await pendingDocument();
      await temporalCli('signal', 'review', id, {
        category: 'marketing',
        reviewer: 'signal-user',
        note: 'from the web ui',
      });
      const doc = await api.waitForStatus(id, 'completed');
      assert.deepEqual([doc.result?.category, doc.result?.reviewer], ['marketing', 'signal-user']);
    });

    it('ignores an invalid review signal and keeps waiting for a valid one', async () => {
      const id = await pendingDocument();
      const handle = env.client.workflow.getHandle(`classify-${id}`);
      await handle.signal(reviewSignal, { category: 'not-a-category', reviewer: 'x' });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await api.get(id)).status, 'pending_review');
      await handle.signal(reviewSignal, { category: 'legal', reviewer: 'y' });
      assert.equal((await api.waitForStatus(id, 'completed')).result?.reviewer, 'y');
    });
  });

  describe('review deadlines', () => {
    async function timedOutDocument(policy: ReviewTimeoutPolicy, fault: 'low_confidence' | 'invalid_json') {
      const id = `deadline-${policy}-${fault}-${Date.now()}`;
      env.sim.addRule({
        match: id,
        faults: fault === 'invalid_json' ? [fault, fault] : [{ kind: fault, confidence: 0.3 }],
      });
      await env.pool.query(`INSERT INTO documents (id, content_hash, text, taxonomy) VALUES ($1, 'h', $2, 'default')`, [
        id,
        `${id} the contract clause about liability`,
      ]);
      await startDocumentWorkflow(
        {
          pool: env.pool,
          client: env.client,
          config: { ...env.config, review: { timeoutMs: 1500, timeoutPolicy: policy } },
        },
        id,
        DEFAULT_TAXONOMY,
      );
      return id;
    }

    it('escalates: the document stays pending, marked escalated, and a later decision still completes it', async () => {
      const id = await timedOutDocument('escalate', 'low_confidence');
      const handle = env.client.workflow.getHandle(`classify-${id}`);
      const progress = await waitFor(
        () => handle.query<{ escalated?: boolean; status: string }>('status'),
        (p) => p.escalated === true,
        { timeoutMs: 15_000 },
      );
      assert.equal(progress.status, 'pending_review');
      assert.equal((await handle.describe()).typedSearchAttributes.get(SA.status), 'pending_review');
      assert.equal((await api.review(id, { category: 'legal' })).status, 200);
    });

    it("accepts the model's suggestion marked unreviewed", async () => {
      const id = await timedOutDocument('accept', 'low_confidence');
      const doc = await api.waitForStatus(id, 'completed', 15_000);
      assert.equal(doc.result?.decidedBy, 'model');
      assert.equal(doc.result?.unreviewed, true);
      assert.equal((await storedDecision(id))[0]?.unreviewed, true);
    });

    it('escalates instead of accepting when there is no suggestion to accept', async () => {
      const id = await timedOutDocument('accept', 'invalid_json');
      const handle = env.client.workflow.getHandle(`classify-${id}`);
      await waitFor(
        () => handle.query<{ escalated?: boolean }>('status'),
        (p) => p.escalated === true,
        { timeoutMs: 15_000 },
      );
      assert.equal((await storedDecision(id)).length, 0);
    });

    it('fails the document with reason review_timeout', async () => {
      const id = await timedOutDocument('fail', 'low_confidence');
      const handle = env.client.workflow.getHandle(`classify-${id}`);
      const result = await handle.result();
      assert.equal(result.status, 'failed');
      assert.match(result.failureReason ?? '', /review_timeout/);
      assert.equal((await api.get(id)).status, 'failed');
      assert.equal((await storedDecision(id)).length, 0);
    });
  });
});

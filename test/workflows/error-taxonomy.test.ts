import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { FaultSpec } from '../../src/simulator/index.js';
import { SA } from '../../src/shared/search-attributes.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { replayOptions, startDocket, type DocketTestEnv } from '../helpers/docket.js';

/** Writes one history per final status and reason as fixtures for the replay test (DOCKET_RECORD_HISTORIES=dir). */
async function recordHistories(env: DocketTestEnv, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  for await (const wf of env.client.workflow.list({ query: `WorkflowType = 'classifyDocumentWorkflow'` })) {
    const handle = env.client.workflow.getHandle(wf.workflowId);
    const progress = await handle.query<{
      status: string;
      reviewReason?: string;
      pauseReason?: string;
      attempts: number;
    }>('status');
    const key = [progress.status, progress.reviewReason ?? progress.pauseReason ?? '', progress.attempts].join('-');
    if (seen.has(key)) continue;
    seen.add(key);
    // Binary protobuf: it reads back exactly, with no JSON conversion in between.
    const history = await handle.fetchHistory();
    writeFileSync(join(dir, `${key}.binpb`), proto.temporal.api.history.v1.History.encode(history).finish());
  }
}

/**
 * Every row of DESIGN.md §6 on a real Temporal server, the simulator and a real database: the exact number of
 * HTTP calls the simulator received, the final status and reason, and the rows in `classifications` and
 * `llm_calls`.
 */
describe('the error taxonomy', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let counter = 0;
  before(async () => {
    env = await startDocket({
      env: {
        DOCKET_SERVER_ERROR_CEILING: '3',
        DOCKET_LLM_TIMEOUT_MS: '1500',
        // Recorded fixtures must replay without this run's throw-away key.
        ...(process.env.DOCKET_RECORD_HISTORIES ? { DOCKET_PAYLOAD_ENCRYPTION: 'off' } : {}),
      },
    });
    api = testApi(env);
  });
  after(async () => {
    try {
      if (process.env.DOCKET_RECORD_HISTORIES) await recordHistories(env, process.env.DOCKET_RECORD_HISTORIES);
      // Every path this file drove must replay deterministically from its recorded history.
      const histories = env.client.workflow
        .list({ query: `WorkflowType = 'classifyDocumentWorkflow'` })
        .intoHistories();
      const results = Worker.runReplayHistories(await replayOptions(env.config), histories);
      let replayed = 0;
      for await (const r of results) {
        assert.equal(r.error, undefined, `replay of ${r.workflowId} failed: ${String(r.error)}`);
        replayed++;
      }
      assert.ok(replayed >= 10, `only ${replayed} histories replayed`);
    } finally {
      await env.stop();
    }
  });

  /** A document whose calls meet `faults` in order, then answer normally. */
  async function submitWith(
    faults: FaultSpec[],
    text = 'The kubernetes deploy broke the API server and the database.',
  ) {
    const marker = `case-${++counter}-${Date.now()}`;
    if (faults.length > 0) env.sim.addRule({ match: marker, faults });
    const { id } = await api.submit({ id: marker, text: `${marker} ${text}` });
    return { id, marker, calls: () => env.sim.requestsMatching(marker) };
  }
  const rows = async (id: string) => ({
    classifications: (await env.pool.query('SELECT * FROM classifications WHERE document_id = $1', [id])).rows,
    calls: (
      await env.pool.query(
        'SELECT outcome, error_class, error_type, http_status, finish_reason, parse_ok FROM llm_calls WHERE document_id = $1 ORDER BY started_at',
        [id],
      )
    ).rows,
  });
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  describe('transient failures', () => {
    it('waits out rate limits no sooner than Retry-After and completes', async () => {
      const doc = await submitWith([
        { kind: 'rate_limit', retryAfterMs: 1200 },
        { kind: 'rate_limit', retryAfterMs: 800 },
      ]);
      const view = await api.waitForStatus(doc.id, 'completed');
      assert.equal(view.result?.category, 'technical');
      const calls = doc.calls();
      assert.equal(calls.length, 3);
      assert.ok(
        calls[1]!.receivedAt - calls[0]!.receivedAt >= 1200,
        `second attempt came after ${calls[1]!.receivedAt - calls[0]!.receivedAt} ms`,
      );
      assert.ok(calls[2]!.receivedAt - calls[1]!.receivedAt >= 800);
      const r = await rows(doc.id);
      assert.equal(r.classifications.length, 1);
      assert.deepEqual(
        r.calls.map((c) => [c.outcome, c.error_type, c.http_status]),
        [
          ['error', 'DocketRateLimited', 429],
          ['error', 'DocketRateLimited', 429],
          ['ok', null, 200],
        ],
      );
    });

    it('retries 500, 502, 503, 529, a reset connection and a timeout, then completes', async () => {
      const doc = await submitWith(['server_error', 'bad_gateway']);
      const doc2 = await submitWith(['overloaded', 'overloaded_529']);
      const doc3 = await submitWith(['reset', 'hang']);
      for (const d of [doc, doc2, doc3]) {
        await api.waitForStatus(d.id, 'completed');
        assert.equal(d.calls().length, 3, `${d.id} calls`);
        const r = await rows(d.id);
        assert.equal(r.classifications.length, 1);
        assert.equal(r.calls.length, 3);
        assert.ok(r.calls.slice(0, 2).every((c) => c.error_class === 'transient'));
      }
      assert.deepEqual((await rows(doc3.id)).calls.map((c) => c.error_type).slice(0, 2), [
        'DocketConnectionError',
        'DocketTimeout',
      ]);
    });

    it('pauses after the ceiling of repeated server errors, spends nothing more, and completes after resume', async () => {
      const marker = `ceiling-${Date.now()}`;
      env.sim.addRule({ match: marker, faults: ['server_error'], repeat: true });
      const { id } = await api.submit({ id: marker, text: `${marker} the API server failed again` });
      const paused = await api.waitForStatus(id, 'paused');
      assert.equal(paused.pause?.reason, 'retries_exhausted');
      assert.equal(env.sim.requestsMatching(marker).length, 3);
      await settle(1500);
      assert.equal(env.sim.requestsMatching(marker).length, 3, 'no call while paused');
      env.sim.clearRules();
      assert.equal((await api.resume(id)).status, 200);
      await api.waitForStatus(id, 'completed');
      assert.equal(env.sim.requestsMatching(marker).length, 4);
      assert.equal((await rows(id)).classifications.length, 1);
    });
  });

  describe('operator failures', () => {
    const cases: [FaultSpec, string, string, number][] = [
      ['insufficient_quota', 'quota_exhausted', 'DocketInsufficientQuota', 429],
      ['unauthorized', 'credentials', 'DocketAuthentication', 401],
      ['forbidden', 'credentials', 'DocketPermissionDenied', 403],
      ['model_not_found', 'model_not_found', 'DocketModelNotFound', 404],
      ['invalid_request', 'bad_request', 'DocketInvalidRequest', 400],
    ];
    for (const [fault, reason, type, status] of cases) {
      it(`makes one call for ${String(fault)}, pauses with reason ${reason}, and completes after resume`, async () => {
        const doc = await submitWith([fault]);
        const view = await api.waitForStatus(doc.id, 'paused');
        assert.equal(view.pause?.reason, reason);
        const description = await env.client.workflow.getHandle(`classify-${doc.id}`).describe();
        assert.equal(description.typedSearchAttributes.get(SA.status), 'paused');
        await settle(1200);
        assert.equal(doc.calls().length, 1, 'never retried');
        const before = await rows(doc.id);
        assert.equal(before.classifications.length, 0);
        assert.deepEqual(
          before.calls.map((c) => [c.error_class, c.error_type, c.http_status]),
          [['operator', type, status]],
        );
        assert.equal((await api.resume(doc.id)).status, 200);
        await api.waitForStatus(doc.id, 'completed');
        assert.equal(doc.calls().length, 2);
      });
    }
  });

  describe('input failures', () => {
    it('sends a provider context_length_exceeded to review after one call', async () => {
      const doc = await submitWith(['context_length_exceeded']);
      const view = await api.waitForStatus(doc.id, 'pending_review');
      assert.equal(view.review?.reason, 'input_too_long');
      assert.equal(doc.calls().length, 1);
      assert.equal((await rows(doc.id)).classifications.length, 0);
    });

    it('sends a document over the context window to review before any call, spending nothing', async () => {
      const marker = `too-long-${Date.now()}`;
      const text = `${marker} ${'the server log shows an error in the deploy pipeline. '.repeat(12_000)}`;
      const { id } = await api.submit({ id: marker, text });
      const view = await api.waitForStatus(id, 'pending_review');
      assert.equal(view.review?.reason, 'input_too_long');
      assert.equal(env.sim.requestsMatching(marker).length, 0);
      assert.equal(view.calls, 0);
      assert.equal(view.costUsd, 0);
    });

    it('sends a refusal and a content filter to review with reason content_filtered', async () => {
      for (const fault of ['refusal', 'content_filter'] as const) {
        const doc = await submitWith([fault]);
        const view = await api.waitForStatus(doc.id, 'pending_review');
        assert.equal(view.review?.reason, 'content_filtered');
        assert.equal(doc.calls().length, 1);
        assert.equal((await rows(doc.id)).classifications.length, 0);
      }
    });
  });

  describe('invalid output', () => {
    it('repairs one invalid answer by re-asking with the validation errors', async () => {
      const doc = await submitWith(['invalid_json']);
      const view = await api.waitForStatus(doc.id, 'completed');
      assert.equal(view.result?.category, 'technical');
      const calls = doc.calls();
      assert.equal(calls.length, 2);
      const r = await rows(doc.id);
      assert.deepEqual(
        r.calls.map((c) => [c.outcome, c.parse_ok]),
        [
          ['invalid_output', false],
          ['ok', true],
        ],
      );
      const repairRequest = env.sim.requestsMatching(doc.marker)[1];
      assert.match(repairRequest?.userText ?? '', /rejected by validation/);
    });

    const faults = ['invalid_json', 'truncated_json', 'out_of_taxonomy', 'placeholder', 'length'] as const;
    for (const fault of faults) {
      it(`sends ${fault} twice in a row to review with reason invalid_output and stores nothing`, async () => {
        const doc = await submitWith([fault, fault]);
        const view = await api.waitForStatus(doc.id, 'pending_review');
        assert.equal(view.review?.reason, 'invalid_output');
        assert.equal(doc.calls().length, 2);
        const r = await rows(doc.id);
        assert.equal(r.classifications.length, 0, 'nothing invalid is written to classifications');
        assert.deepEqual(
          r.calls.map((c) => [c.outcome, c.parse_ok]),
          [
            ['invalid_output', false],
            ['invalid_output', false],
          ],
        );
        if (fault === 'length') assert.ok(r.calls.every((c) => c.finish_reason === 'length'));
      });
    }

    it('rejects a casing variant of a category as out of the taxonomy', async () => {
      const doc = await submitWith([
        { kind: 'out_of_taxonomy', category: 'TECHNICAL' },
        { kind: 'out_of_taxonomy', category: 'Tech' },
      ]);
      const view = await api.waitForStatus(doc.id, 'pending_review');
      assert.equal(view.review?.reason, 'invalid_output');
    });
  });

  describe('low confidence', () => {
    it('sends a valid answer below the threshold to review with the model suggestion', async () => {
      const doc = await submitWith([{ kind: 'low_confidence', confidence: 0.2 }]);
      const view = await api.waitForStatus(doc.id, 'pending_review');
      assert.equal(view.review?.reason, 'low_confidence');
      assert.equal(view.review?.suggestion?.confidence, 0.2);
      assert.equal(doc.calls().length, 1);
      const description = await env.client.workflow.getHandle(`classify-${doc.id}`).describe();
      assert.equal(description.typedSearchAttributes.get(SA.status), 'pending_review');
      assert.equal(description.typedSearchAttributes.get(SA.reviewReason), 'low_confidence');
      assert.equal((await rows(doc.id)).classifications.length, 0);
    });
  });

  it('answers the status query with stage, attempts, last error class and suggestion', async () => {
    const doc = await submitWith([{ kind: 'low_confidence', confidence: 0.3 }]);
    await api.waitForStatus(doc.id, 'pending_review');
    const progress = await env.client.workflow.getHandle(`classify-${doc.id}`).query('status');
    const { pendingReviewSince, ...rest } = progress as Record<string, unknown>;
    assert.ok(!Number.isNaN(Date.parse(String(pendingReviewSince))), 'pendingReviewSince is a timestamp');
    assert.deepEqual(
      {
        ...rest,
        suggestion: { ...(progress as { suggestion: object }).suggestion, reasoning: 'x' },
      },
      {
        documentId: doc.id,
        status: 'pending_review',
        stage: 'waiting_for_review',
        attempts: 1,
        mode: 'realtime',
        lastErrorClass: 'low_confidence',
        reviewReason: 'low_confidence',
        suggestion: { category: 'technical', confidence: 0.3, reasoning: 'x' },
      },
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config.js';
import { chunkText } from '../../src/llm/chunks.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { replayOptions, startDocket, type DocketTestEnv } from '../helpers/docket.js';

/** Document tokens per chunk on the worker: three chunks for the document below. */
const CHUNK_TOKENS = 45_000;
const LEGAL = 'The contract sets out the liability of each party and the indemnity clause under this agreement. ';
const TECHNICAL = 'The server crashed after the deploy and the database query hit a timeout. ';
/** About 90,000 tokens of a contract, then 42,000 of a server log: over gpt-4o-mini's 128,000-token window. */
const LONG_TEXT = LEGAL.repeat(5_000) + TECHNICAL.repeat(3_000);

/**
 * DOCKET_LONG_DOCUMENTS on a real Temporal server, the simulator and a real database: a document over the model's
 * context window under each strategy, counted in HTTP calls at the simulator and rows in `llm_calls`, and recorded
 * on the stored result (`classifications.long_document_*`).
 */
describe('long documents', () => {
  let env: DocketTestEnv;
  let counter = 0;
  before(async () => {
    env = await startDocket({ env: { DOCKET_LONG_DOCUMENTS_TOKENS: String(CHUNK_TOKENS) } });
  });
  after(async () => {
    try {
      // Every path this file drove must replay deterministically from its recorded history.
      const histories = env.client.workflow
        .list({ query: `WorkflowType = 'classifyDocumentWorkflow'` })
        .intoHistories();
      for await (const r of Worker.runReplayHistories(await replayOptions(env.config), histories)) {
        assert.equal(r.error, undefined, `replay of ${r.workflowId} failed: ${String(r.error)}`);
      }
    } finally {
      await env?.stop();
    }
  });

  /** The API of a deployment configured with `settings` (the strategy is fixed in the workflow input at submit). */
  function apiWith(settings: Record<string, string>): TestApi {
    return testApi({ ...env, config: loadConfig({ ...env.childEnv, ...settings }) });
  }

  /** Submits the long document; returns its id and the simulator's requests since. */
  async function submitLong(api: TestApi, text = (id: string) => `${id} ${LONG_TEXT}`) {
    const id = `long-${++counter}-${Date.now()}`;
    const from = env.sim.requests.length;
    await api.submit({ id, text: text(id) });
    return { id, requests: () => env.sim.requests.slice(from) };
  }

  async function stored(id: string) {
    const { rows } = await env.pool.query(
      `SELECT category, confidence, long_document_strategy, long_document_chunks, long_document_document_chunks,
              long_document_votes FROM classifications WHERE document_id = $1`,
      [id],
    );
    return rows[0];
  }
  const ledgerRows = async (id: string) =>
    (await env.pool.query('SELECT model, outcome FROM llm_calls WHERE document_id = $1 ORDER BY started_at', [id]))
      .rows;

  it('cuts the test document into three chunks of the configured size', () => {
    assert.equal(chunkText(LONG_TEXT, CHUNK_TOKENS).length, 3);
  });

  it('review (the default): pending_review input_too_long before any call', async () => {
    const api = apiWith({});
    const { id, requests } = await submitLong(api);
    const view = await api.waitForStatus(id, 'pending_review', 60_000);
    assert.equal(view.review?.reason, 'input_too_long');
    assert.equal(requests().length, 0);
    assert.equal((await ledgerRows(id)).length, 0);
  });

  it('first-pages: one call on the start of the text, completed, the strategy recorded', async () => {
    const api = apiWith({ DOCKET_LONG_DOCUMENTS: 'first-pages' });
    const { id, requests } = await submitLong(api);
    const view = await api.waitForStatus(id, 'completed', 90_000);
    assert.equal(view.result?.category, 'legal');
    assert.equal(requests().length, 1);
    assert.ok(requests()[0]?.userText.includes(id), 'the start of the document');
    assert.doesNotMatch(requests()[0]?.userText ?? '', /server crashed/);
    const rows = await ledgerRows(id);
    assert.deepEqual(
      rows.map((r) => r.outcome),
      ['ok'],
    );
    // One chunk of three: about a third of the text.
    assert.ok((requests()[0]?.userText.length ?? 0) < LONG_TEXT.length / 2);
    const result = await stored(id);
    assert.equal(result?.long_document_strategy, 'first-pages');
    assert.equal(result?.long_document_chunks, 1);
    assert.equal(result?.long_document_document_chunks, 3);
    assert.equal(result?.long_document_votes, null);
  });

  it('chunk-vote: one call and one ledger row per chunk, then the majority, the vote stored', async () => {
    const api = apiWith({ DOCKET_LONG_DOCUMENTS: 'chunk-vote' });
    const { id, requests } = await submitLong(api);
    const view = await api.waitForStatus(id, 'completed', 120_000);
    assert.equal(view.result?.category, 'legal');
    assert.equal(requests().length, 3);
    assert.match(requests()[2]?.userText ?? '', /server crashed/, 'the last chunk is the server log');
    assert.equal((await ledgerRows(id)).filter((r) => r.outcome === 'ok').length, 3);
    const result = await stored(id);
    assert.equal(result?.long_document_strategy, 'chunk-vote');
    assert.equal(result?.long_document_chunks, 3);
    assert.deepEqual(result?.long_document_votes, ['legal', 'legal', 'technical']);
    // Two of three chunks agree: the vote is less sure than either of them.
    assert.ok(result.confidence < 0.7, `confidence ${result.confidence}`);
  });

  it('chunk-vote: a chunk still invalid after its repair casts no vote, the others decide', async () => {
    const api = apiWith({ DOCKET_LONG_DOCUMENTS: 'chunk-vote' });
    const marker = `third-chunk-${Date.now()}`;
    env.sim.addRule({ match: marker, faults: ['invalid_json', 'invalid_json'] });
    // The marker sits early in the third chunk, past the 90,000 tokens of the first two.
    const { id, requests } = await submitLong(
      api,
      (docId) => `${docId} ${LEGAL.repeat(5_000)}${TECHNICAL.repeat(100)}${marker} ${TECHNICAL.repeat(2_900)}`,
    );
    const view = await api.waitForStatus(id, 'completed', 120_000);
    assert.equal(view.result?.category, 'legal');
    assert.equal(requests().length, 4, 'three chunks and one repair of the third');
    assert.equal(env.sim.requestsMatching(marker).length, 2);
    assert.deepEqual(
      (await ledgerRows(id)).map((r) => r.outcome),
      ['ok', 'ok', 'invalid_output', 'invalid_output'],
    );
    const result = await stored(id);
    assert.deepEqual(result?.long_document_votes, ['legal', 'legal', '']);
  });

  it('chunk-vote reads at most DOCKET_LONG_DOCUMENTS_MAX_CHUNKS chunks', async () => {
    const api = apiWith({ DOCKET_LONG_DOCUMENTS: 'chunk-vote', DOCKET_LONG_DOCUMENTS_MAX_CHUNKS: '2' });
    const { id, requests } = await submitLong(api);
    await api.waitForStatus(id, 'completed', 120_000);
    assert.equal(requests().length, 2);
    assert.equal((await ledgerRows(id)).length, 2);
    const result = await stored(id);
    assert.equal(result?.long_document_chunks, 2);
    assert.equal(result?.long_document_document_chunks, 3);
    assert.deepEqual(result?.long_document_votes, ['legal', 'legal']);
  });

  it('chunk-vote sends a split vote below the threshold to review, with the vote as suggestion', async () => {
    const api = apiWith({ DOCKET_LONG_DOCUMENTS: 'chunk-vote', DOCKET_CONFIDENCE_THRESHOLD: '0.8' });
    const { id, requests } = await submitLong(api);
    const view = await api.waitForStatus(id, 'pending_review', 120_000);
    assert.equal(requests().length, 3);
    assert.equal(view.review?.reason, 'low_confidence');
    assert.equal(view.review?.suggestion?.category, 'legal');
  });
});

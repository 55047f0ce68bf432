import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReviewQueuePage } from '../../src/documents/schemas.js';
import type { Report } from '../../src/reports/report-schema.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

describe('audits of confident results', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let n = 0;
  before(async () => {
    // Every confident result is audited.
    env = await startDocket({ env: { DOCKET_AUDIT_RATE: '1' } });
    api = testApi(env);
  });
  after(() => env.stop());

  /** A document the simulator answers `legal` with high confidence: completed by the model, then audited. */
  async function auditedDocument(): Promise<string> {
    const id = `audit-${++n}-${Date.now()}`;
    await api.submit({ id, text: `${id} the contract clause limits liability under GDPR` });
    await api.waitForStatus(id, 'completed');
    return id;
  }
  const queue = async () =>
    (await (await api.call('/v1/reviews', { token: TEST_TOKENS.reviewer })).json()) as ReviewQueuePage;
  const versions = async (id: string) =>
    (
      await env.pool.query(
        'SELECT version, decided_by, category FROM classification_versions WHERE document_id = $1 ORDER BY version',
        [id],
      )
    ).rows;
  const decisions = async (id: string) =>
    (
      await env.pool.query(
        `SELECT reviewer, category, reason, suggested_category, audit_rate, corrected_result_version
         FROM review_decisions WHERE document_id = $1 ORDER BY id`,
        [id],
      )
    ).rows;

  it('completes a confident document and lists it in the review queue with reason audit', async () => {
    const id = await auditedDocument();
    const doc = await api.get(id);
    assert.equal(doc.status, 'completed');
    assert.equal(doc.result?.decidedBy, 'model');
    const item = (await queue()).reviews.find((r) => r.id === id);
    assert.ok(item, 'the audited document is in the queue');
    assert.equal(item.reason, 'audit');
    assert.equal(item.suggestion?.category, 'legal');
    assert.ok(item.categories.includes('business'));
  });

  it('stores a different decision as a new human version and keeps the model’s version', async () => {
    const id = await auditedDocument();
    const res = await api.review(id, { category: 'business', note: 'an invoice' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Awaited<ReturnType<TestApi['get']>>;
    assert.equal(body.status, 'completed');
    assert.deepEqual(
      [body.result?.category, body.result?.decidedBy, body.result?.reviewer],
      ['business', 'human', 'ann'],
    );
    assert.deepEqual(
      body.history?.map((v) => [v.version, v.category, v.decidedBy]),
      [[1, 'legal', 'model']],
    );
    assert.deepEqual(await versions(id), [
      { version: 1, decided_by: 'model', category: 'legal' },
      { version: 2, decided_by: 'human', category: 'business' },
    ]);
    assert.deepEqual(await decisions(id), [
      {
        reviewer: 'ann',
        category: 'business',
        reason: 'audit',
        suggested_category: 'legal',
        audit_rate: 1,
        corrected_result_version: 1,
      },
    ]);
    const current = await env.pool.query('SELECT version, decided_by FROM classifications WHERE document_id = $1', [
      id,
    ]);
    assert.deepEqual(current.rows, [{ version: 2, decided_by: 'human' }]);
    assert.equal((await api.get(id)).result?.decidedBy, 'human');
    assert.equal(
      (await queue()).reviews.find((r) => r.id === id),
      undefined,
      'the audit left the queue',
    );
  });

  it('closes the audit on the same decision without a new version', async () => {
    const id = await auditedDocument();
    assert.equal((await api.review(id, { category: 'legal' })).status, 200);
    assert.deepEqual(await versions(id), [{ version: 1, decided_by: 'model', category: 'legal' }]);
    const [decision] = await decisions(id);
    assert.equal(decision?.reason, 'audit');
    assert.equal(decision?.corrected_result_version, null);
    const doc = await api.get(id);
    assert.equal(doc.result?.decidedBy, 'model');
    assert.equal(doc.history, undefined);
    const audit = await env.pool.query('SELECT status FROM audits WHERE document_id = $1', [id]);
    assert.deepEqual(audit.rows, [{ status: 'closed' }]);
    assert.equal(
      (await queue()).reviews.find((r) => r.id === id),
      undefined,
    );
  });

  it('answers 409 to a second decision and keeps the first', async () => {
    const id = await auditedDocument();
    assert.equal((await api.review(id, { category: 'business' })).status, 200);
    const second = await api.review(id, { category: 'technical' });
    assert.equal(second.status, 409);
    assert.match(
      ((await second.json()) as { error: { message: string } }).error.message,
      /neither a review nor an audit of it is pending/,
    );
    assert.equal((await decisions(id)).length, 1);
    assert.equal((await api.get(id)).result?.category, 'business');
  });

  it('rejects a category outside the taxonomy with 400 and keeps the audit pending', async () => {
    const id = await auditedDocument();
    const res = await api.review(id, { category: 'poetry' });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /use one of/);
    assert.ok((await queue()).reviews.find((r) => r.id === id));
  });

  it('records a workflow review’s decision and audits no human result', async () => {
    const id = `low-${Date.now()}`;
    env.sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    await api.submit({ id, text: `${id} the contract clause limits liability under GDPR` });
    await api.waitForStatus(id, 'pending_review');
    assert.equal((await api.review(id, { category: 'business' })).status, 200);
    const rows = await decisions(id);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      [rows[0]?.reviewer, rows[0]?.category, rows[0]?.reason, rows[0]?.audit_rate],
      ['ann', 'business', 'low_confidence', null],
    );
    assert.equal(rows[0]?.suggested_category, 'legal');
    const [timing] = (
      await env.pool.query('SELECT pending_since, decided_at FROM review_decisions WHERE document_id = $1', [id])
    ).rows as { pending_since: Date | null; decided_at: Date }[];
    assert.ok(timing?.pending_since, 'when the document began waiting, from the workflow');
    assert.ok(timing.pending_since <= timing.decided_at);
    assert.equal((await env.pool.query('SELECT 1 FROM audits WHERE document_id = $1', [id])).rowCount, 0);
  });

  it('feeds the report’s accuracy estimate with the decided audits', async () => {
    const report = await waitFor(
      async () => (await (await api.call('/v1/report')).json()) as Report,
      (r) => (r.accuracy?.overall.audited ?? 0) >= 3,
    );
    // Decided audits so far: one correction (business), one confirmation, one correction in the 409 test.
    assert.ok(report.accuracy);
    assert.ok(report.accuracy.overall.audited >= 3);
    assert.ok((report.accuracy.overall.accuracy ?? 1) < 1, 'the corrections count as wrong answers');
    assert.ok(report.accuracy.overall.low !== null && report.accuracy.overall.high !== null, 'with its interval');
  });
});

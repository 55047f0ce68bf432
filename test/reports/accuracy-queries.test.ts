import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  countReviewDecisions,
  excludeGoldLabel,
  includeGoldLabel,
  insertReviewDecision,
  readCheckedAnswers,
  readConfidenceCounts,
  readDecisionTimings,
  readDoubleReviews,
  readGoldSet,
  upsertGoldLabel,
  type NewReviewDecision,
} from '../../src/db/accuracy.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

const at = (iso: string) => new Date(`2026-11-${iso}Z`);
const ALL = { since: null, until: null };

async function insertDocument(pool: Pool, id: string, taxonomy = 'support'): Promise<void> {
  await pool.query(`INSERT INTO documents (id, content_hash, text, taxonomy) VALUES ($1, $2, 'text', $3)`, [
    id,
    `hash-${id}`,
    taxonomy,
  ]);
}

/** A classification row: decided by the model at `confidence`, or by a person over the model's suggestion. */
async function insertClassification(
  pool: Pool,
  id: string,
  c: {
    decidedBy: 'model' | 'human';
    confidence: number;
    decidedAt: Date;
    suggested?: [string, number];
    reason?: string;
  },
): Promise<void> {
  await pool.query(
    `INSERT INTO classifications (document_id, category, confidence, reasoning, decided_by, reviewer, model,
       prompt_version, taxonomy, workflow_id, run_id, decided_at, review_reason, suggested_category,
       suggested_confidence)
     VALUES ($1, 'billing', $2, 'because', $3, $4, 'gpt-4o-mini', 'v1', 'support', $5, 'run-1', $6, $7, $8, $9)`,
    [
      id,
      c.confidence,
      c.decidedBy,
      c.decidedBy === 'human' ? 'rita' : null,
      `classify-${id}`,
      c.decidedAt,
      c.reason ?? null,
      c.suggested?.[0] ?? null,
      c.suggested?.[1] ?? null,
    ],
  );
}

const suggestion = (category: string, confidence: number) => ({
  category,
  confidence,
  model: 'gpt-4o-mini',
  promptVersion: 'v2',
});

function decision(key: string, fields: Partial<NewReviewDecision>): NewReviewDecision {
  return {
    decisionKey: key,
    documentId: key,
    taxonomy: 'support',
    reviewer: 'ann',
    category: 'billing',
    reason: 'low_confidence',
    ...fields,
  };
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`the accuracy queries on ${kind}`, () => {
    let db: TestDatabase;
    let pool: Pool;
    const ids: Record<string, number> = {};

    before(async () => {
      db = await startTestDatabase(kind);
      pool = createPool(db.url);
      for (const id of ['r1', 'r2', 'a1', 'a2', 'x1', 'legacy', 'legacy-audit', 'decided-twice', 'm1', 'm2']) {
        await insertDocument(pool, id);
      }
      // Recorded by review_decisions: a low-confidence review, two audits, an invalid output (no suggestion), and a
      // double review of r2.
      const write = async (key: string, d: NewReviewDecision) => (ids[key] = (await insertReviewDecision(pool, d)).id);
      await write(
        'r1',
        decision('r1', {
          suggestion: suggestion('billing', 0.31),
          decidedAt: at('02T10:00:00'),
          pendingSince: at('02T09:00:00'),
        }),
      );
      await write(
        'r2',
        decision('r2', {
          category: 'bug',
          suggestion: suggestion('billing', 0.44),
          decidedAt: at('02T10:30:00'),
          pendingSince: at('02T10:00:00'),
        }),
      );
      await write(
        'r2-second',
        decision('r2-second', {
          documentId: 'r2',
          reviewer: 'bob',
          category: 'billing',
          suggestion: suggestion('billing', 0.44),
          secondReviewOf: ids['r2'],
          decidedAt: at('02T11:00:00'),
        }),
      );
      await write(
        'a1',
        decision('a1', {
          reason: 'audit',
          auditRate: 0.02,
          suggestion: suggestion('billing', 0.93),
          decidedAt: at('03T09:00:00'),
          pendingSince: at('03T08:00:00'),
        }),
      );
      await write(
        'a2',
        decision('a2', {
          reason: 'audit',
          auditRate: 0.05,
          category: 'refund',
          suggestion: suggestion('billing', 0.97),
          decidedAt: at('03T09:30:00'),
          correctedResultVersion: 1,
        }),
      );
      await write('x1', decision('x1', { reason: 'invalid_output', reviewer: 'bob', decidedAt: at('04T09:00:00') }));
      // Recorded by classifications only (before review_decisions): a low-confidence review, an audit (no rate), and
      // a document decided in both tables (review_decisions wins).
      await insertClassification(pool, 'legacy', {
        decidedBy: 'human',
        confidence: 1,
        decidedAt: at('01T12:00:00'),
        suggested: ['bug', 0.2],
        reason: 'low_confidence',
      });
      await insertClassification(pool, 'legacy-audit', {
        decidedBy: 'human',
        confidence: 1,
        decidedAt: at('01T12:30:00'),
        suggested: ['bug', 0.9],
        reason: 'audit',
      });
      await insertClassification(pool, 'r1', {
        decidedBy: 'human',
        confidence: 1,
        decidedAt: at('02T10:00:00'),
        suggested: ['billing', 0.31],
        reason: 'low_confidence',
      });
      await insertClassification(pool, 'm1', { decidedBy: 'model', confidence: 0.934, decidedAt: at('05T09:00:00') });
      await insertClassification(pool, 'm2', { decidedBy: 'model', confidence: 0.93, decidedAt: at('05T09:00:00') });
    });
    after(async () => {
      await pool?.end();
      await db?.close();
    });

    it('records a decision once, whatever the retries', async () => {
      const again = await insertReviewDecision(pool, decision('r1', { category: 'other', reviewer: 'mallory' }));
      assert.deepEqual(again, { id: ids['r1'], inserted: false });
      const { rows } = await pool.query(`SELECT reviewer, category FROM review_decisions WHERE decision_key = 'r1'`);
      assert.deepEqual(rows, [{ reviewer: 'ann', category: 'billing' }]);
    });

    it('refuses an audit without its rate, and a rate on anything but an audit', async () => {
      await assert.rejects(insertReviewDecision(pool, decision('bad-1', { reason: 'audit' })), /check constraint/);
      await assert.rejects(
        insertReviewDecision(pool, decision('bad-2', { reason: 'low_confidence', auditRate: 0.02 })),
        /check constraint/,
      );
    });

    it('reads the checked answers: first decisions with a suggestion, then older reviews of classifications', async () => {
      const answers = await readCheckedAnswers(pool, ALL);
      assert.deepEqual(
        answers.map((a) => [a.documentId, a.source, a.answered, a.confidence, a.decided, a.auditRate]),
        [
          ['legacy', 'review', 'bug', 0.2, 'billing', undefined],
          ['r1', 'review', 'billing', 0.31, 'billing', undefined],
          ['r2', 'review', 'billing', 0.44, 'bug', undefined],
          ['a1', 'audit', 'billing', 0.93, 'billing', 0.02],
          ['a2', 'audit', 'billing', 0.97, 'refund', 0.05],
        ],
      );
      assert.deepEqual(
        { ...answers[3], documentId: undefined },
        {
          documentId: undefined,
          taxonomy: 'support',
          model: 'gpt-4o-mini',
          promptVersion: 'v2',
          answered: 'billing',
          confidence: 0.93,
          decided: 'billing',
          source: 'audit',
          auditRate: 0.02,
        },
      );
      const november3 = await readCheckedAnswers(pool, { since: at('03T00:00:00'), until: at('03T09:30:00') });
      assert.deepEqual(
        november3.map((a) => a.documentId),
        ['a1'],
      );
    });

    it("counts every answered document by the model's confidence, rounded to 0.01", async () => {
      const counts = await readConfidenceCounts(pool, ALL);
      assert.deepEqual(counts, [
        { taxonomy: 'support', confidence: 0.2, count: 1 },
        { taxonomy: 'support', confidence: 0.31, count: 1 },
        { taxonomy: 'support', confidence: 0.9, count: 1 },
        { taxonomy: 'support', confidence: 0.93, count: 2 },
      ]);
    });

    it('reads every decision with its reviewer and pending time, the older ones untimed', async () => {
      const timings = await readDecisionTimings(pool, ALL);
      assert.deepEqual(
        timings.map((t) => [t.reviewer, t.decidedAt.toISOString(), t.pendingSince?.toISOString() ?? null]),
        [
          ['rita', '2026-11-01T12:00:00.000Z', null],
          ['rita', '2026-11-01T12:30:00.000Z', null],
          ['ann', '2026-11-02T10:00:00.000Z', '2026-11-02T09:00:00.000Z'],
          ['ann', '2026-11-02T10:30:00.000Z', '2026-11-02T10:00:00.000Z'],
          ['bob', '2026-11-02T11:00:00.000Z', null],
          ['ann', '2026-11-03T09:00:00.000Z', '2026-11-03T08:00:00.000Z'],
          ['ann', '2026-11-03T09:30:00.000Z', null],
          ['bob', '2026-11-04T09:00:00.000Z', null],
        ],
      );
    });

    it('pairs each double review with the decision it reviews again, and counts decisions of a window', async () => {
      assert.deepEqual(await readDoubleReviews(pool, ALL), [['bug', 'billing']]);
      assert.deepEqual(await readDoubleReviews(pool, { since: at('03T00:00:00'), until: null }), []);
      assert.equal(await countReviewDecisions(pool, ALL), 6);
      assert.equal(await countReviewDecisions(pool, { since: at('03T00:00:00'), until: at('04T00:00:00') }), 2);
      assert.equal(await countReviewDecisions(pool, { since: at('20T00:00:00'), until: null }), 0);
    });

    it('keeps a gold set with exclusions, without documents whose text was erased', async () => {
      await upsertGoldLabel(pool, {
        documentId: 'r1',
        taxonomy: 'support',
        category: 'billing',
        labelledBy: 'ann',
        sourceDecisionId: ids['r1'],
      });
      await upsertGoldLabel(pool, { documentId: 'r2', taxonomy: 'support', category: 'bug', labelledBy: 'ann' });
      await upsertGoldLabel(pool, { documentId: 'gone', taxonomy: 'support', category: 'bug', labelledBy: 'ann' });
      await upsertGoldLabel(pool, { documentId: 'a1', taxonomy: 'other-taxonomy', category: 'x', labelledBy: 'ann' });
      const labels = await readGoldSet(pool, 'support');
      assert.deepEqual(
        labels.map((l) => [l.documentId, l.category, l.sourceDecisionId]),
        [
          ['r1', 'billing', ids['r1']],
          ['r2', 'bug', null],
        ],
      );

      assert.equal(await excludeGoldLabel(pool, 'r2', { reason: 'ambiguous: two products', by: 'lead' }), true);
      assert.equal(await excludeGoldLabel(pool, 'never-labelled', { reason: 'x', by: 'lead' }), false);
      // Labelled again, it stays excluded until someone includes it.
      await upsertGoldLabel(pool, { documentId: 'r2', taxonomy: 'support', category: 'billing', labelledBy: 'bob' });
      assert.deepEqual(
        (await readGoldSet(pool, 'support')).map((l) => l.documentId),
        ['r1'],
      );
      const { rows } = await pool.query(
        `SELECT excluded_reason, excluded_by, category, labelled_by FROM gold_labels WHERE document_id = 'r2'`,
      );
      assert.deepEqual(rows, [
        { excluded_reason: 'ambiguous: two products', excluded_by: 'lead', category: 'billing', labelled_by: 'bob' },
      ]);
      assert.equal(await includeGoldLabel(pool, 'r2'), true);
      assert.deepEqual(
        (await readGoldSet(pool, 'support')).map((l) => [l.documentId, l.category]),
        [
          ['r1', 'billing'],
          ['r2', 'billing'],
        ],
      );
    });
  });
}

import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { insertReviewDecision, type NewReviewDecision } from '../../src/db/accuracy.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { formatReportHtml } from '../../src/reports/format-html.js';
import { formatReportText } from '../../src/reports/format-text.js';
import { buildReport, reportSchema } from '../../src/reports/report.js';
import { accuracySection } from '../../src/reports/sections/accuracy.js';
import { calibrationSection } from '../../src/reports/sections/calibration.js';
import { reviewersSection } from '../../src/reports/sections/reviewers.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { at, insertLedger, NOVEMBER } from './ledger.js';

// The report's accuracy, calibration and reviewer sections over the known ledger plus recorded review decisions,
// against goldens (record again with DOCKET_RECORD_REPORTS=1 and review the diff), and their figures by hand.
const GOLDEN = join(process.cwd(), 'test/fixtures/reports');
const RECORD = process.env.DOCKET_RECORD_REPORTS === '1';

const CATEGORIES = ['billing', 'refund', 'privacy'];
const AUDITS = 150;
const AUDITS_WRONG = [7, 19, 33, 58, 71, 90, 104, 126, 141, 149];
const REVIEWS = 60;

/** A minute of November 2026 from a count of minutes since Nov 4th 08:00 UTC. */
const minute = (n: number) => new Date(at('2026-11-04T08:00:00').getTime() + n * 60_000);

/**
 * The decisions: 150 audits at 2% of confident answers (10 corrected), 60 low-confidence reviews (half corrected),
 * and a second review of ten of those, by two reviewers over two days.
 */
function decisions(): NewReviewDecision[] {
  const audits = Array.from({ length: AUDITS }, (_, i): NewReviewDecision => {
    const answered = CATEGORIES[i % 3] ?? 'billing';
    return {
      decisionKey: `audit-${i}`,
      documentId: `audited-${i}`,
      taxonomy: 'support',
      reviewer: i % 2 === 0 ? 'ann' : 'bob',
      category: AUDITS_WRONG.includes(i) ? (CATEGORIES[(i + 1) % 3] ?? 'refund') : answered,
      reason: 'audit',
      auditRate: 0.02,
      suggestion: {
        category: answered,
        confidence: 0.6 + (i % 40) / 100,
        model: i % 5 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
        promptVersion: 'v1',
      },
      pendingSince: minute(i * 4),
      decidedAt: minute(i * 4 + 3 + (i % 7)),
    };
  });
  const reviews = Array.from({ length: REVIEWS }, (_, i): NewReviewDecision => {
    const answered = CATEGORIES[i % 3] ?? 'billing';
    return {
      decisionKey: `review-${i}`,
      documentId: `reviewed-${i}`,
      taxonomy: 'support',
      reviewer: i < 40 ? 'ann' : 'carla',
      category: i % 2 === 0 ? answered : (CATEGORIES[(i + 2) % 3] ?? 'privacy'),
      reason: 'low_confidence',
      suggestion: { category: answered, confidence: 0.2 + (i % 30) / 100, model: 'gpt-4o-mini', promptVersion: 'v1' },
      pendingSince: minute(1440 + i * 5),
      decidedAt: minute(1440 + i * 5 + 30),
    };
  });
  return [...audits, ...reviews];
}

async function matchesGolden(file: string, actual: string): Promise<void> {
  const path = join(GOLDEN, file);
  if (RECORD) {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(path, actual);
    return;
  }
  const expected = await readFile(path, 'utf8').catch(() => {
    throw new Error(`no golden file ${path}: record it with DOCKET_RECORD_REPORTS=1`);
  });
  assert.equal(actual, expected, `${file} differs from its golden file`);
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`the accuracy sections of the report on ${kind}`, () => {
    let db: TestDatabase;
    let pool: Pool;

    before(async () => {
      db = await startTestDatabase(kind);
      pool = createPool(db.url);
      await insertLedger(pool);
      const ids = new Map<string, number>();
      for (const d of decisions()) ids.set(d.decisionKey, (await insertReviewDecision(pool, d)).id);
      // Ten low-confidence reviews reviewed again by bob: he agrees with the first review on eight.
      for (let i = 0; i < 10; i++) {
        const first = decisions().find((d) => d.decisionKey === `review-${i}`);
        assert.ok(first);
        await insertReviewDecision(pool, {
          ...first,
          decisionKey: `second-${i}`,
          reviewer: 'bob',
          category: i < 8 ? first.category : 'refund-or-not',
          secondReviewOf: ids.get(`review-${i}`),
          pendingSince: undefined,
          decidedAt: minute(3000 + i),
        });
      }
    });
    after(async () => {
      await pool?.end();
      await db?.close();
    });

    it('renders the audited window as recorded (text, HTML and JSON)', async () => {
      const report = await buildReport(pool, NOVEMBER);
      if (kind === 'pglite' || !RECORD) {
        await matchesGolden('november-audited.text.golden', formatReportText(report));
        await matchesGolden('november-audited.html.golden', formatReportHtml(report));
        await matchesGolden('november-audited.json.golden', `${JSON.stringify(report, null, 2)}\n`);
      }
      assert.ok(reportSchema.safeParse(report).success);
    });

    it('estimates accuracy from the audits alone, with their sample size and interval', async () => {
      const { accuracy } = await buildReport(pool, NOVEMBER);
      assert.ok(accuracy);
      assert.deepEqual([accuracy.overall.audited, accuracy.overall.correct], [AUDITS, AUDITS - 10]);
      assert.equal(accuracy.overall.accuracy, 140 / 150);
      assert.ok((accuracy.overall.low ?? 1) < 140 / 150 && 140 / 150 < (accuracy.overall.high ?? 0));
      assert.deepEqual(
        accuracy.byModel.map((r) => [r.key, r.audited]),
        [
          ['gpt-4o', 30],
          ['gpt-4o-mini', 120],
        ],
      );
      assert.deepEqual(
        accuracy.byCategory.map((r) => r.key),
        CATEGORIES.slice().sort(),
      );
    });

    it('builds the reliability table over audits and reviews, and says why no threshold is suggested', async () => {
      const { calibration } = await buildReport(pool, NOVEMBER);
      assert.ok(calibration);
      // The ledger's older human decisions of November that had a suggestion (d5, d7, d13, all at 0.4) count too.
      assert.equal(calibration.reliability.answers, AUDITS + REVIEWS + 3);
      assert.deepEqual(
        calibration.reliability.buckets.map((b) => [b.low, b.answers]),
        [
          [0.2, 20],
          [0.3, 20],
          [0.4, 23],
          [0.6, 40],
          [0.7, 40],
          [0.8, 40],
          [0.9, 30],
        ],
      );
      assert.deepEqual(
        calibration.thresholds.map((t) => [t.taxonomy, t.status, t.sample, t.audits]),
        [['support', 'target_not_met', AUDITS + REVIEWS + 3, AUDITS]],
      );
    });

    it('reports reviewer throughput and the agreement of double reviews', async () => {
      const { reviewers } = await buildReport(pool, NOVEMBER);
      assert.ok(reviewers);
      assert.deepEqual(
        reviewers.reviewers.map((r) => [r.reviewer, r.decisions]),
        [
          ['ann', 115],
          ['bob', 85],
          ['carla', 20],
          // The ledger's four human decisions of November, recorded in classifications only.
          ['rita', 4],
        ],
      );
      const carla = reviewers.reviewers.find((r) => r.reviewer === 'carla');
      assert.equal(carla?.medianSecondsToDecide, 1800);
      assert.deepEqual([reviewers.agreement.documents, reviewers.agreement.agreed], [10, 8]);
    });

    it('leaves the sections out of a window without recorded review decisions', async () => {
      const report = await buildReport(pool, { since: at('2026-12-01T00:00:00'), now: at('2026-12-03T12:00:00') });
      assert.deepEqual([report.accuracy, report.calibration, report.reviewers], [undefined, undefined, undefined]);
      const text = formatReportText(report);
      assert.doesNotMatch(text, /Accuracy of auto-accepted|Calibration|Reviewers/);
    });
  });
}

describe('the accuracy section builders', () => {
  const review = {
    documentId: 'd1',
    taxonomy: 'support',
    model: 'gpt-4o-mini',
    promptVersion: 'v1',
    answered: 'billing',
    confidence: 0.3,
    decided: 'billing',
    source: 'review' as const,
  };

  it('has no accuracy section without audits, and no calibration or reviewer section without decisions', () => {
    assert.equal(accuracySection([review]), undefined);
    assert.ok(accuracySection([{ ...review, source: 'audit', auditRate: 0.02, confidence: 0.9 }]));
    assert.equal(calibrationSection([], []), undefined);
    assert.equal(calibrationSection([review], [])?.target, 0.97);
    assert.equal(reviewersSection([], []), undefined);
    const reviewers = reviewersSection(
      [{ reviewer: 'ann', decidedAt: at('2026-11-02T10:00:00'), pendingSince: null }],
      [],
    );
    assert.equal(reviewers?.agreement.documents, 0);
  });
});

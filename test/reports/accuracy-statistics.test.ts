import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cohensKappa,
  compareEvaluations,
  effectiveSampleSize,
  estimateAccuracy,
  evaluate,
  exactMcNemar,
  minimumSample,
  NO_ANSWER,
  percentile,
  reliabilityTable,
  reviewerThroughput,
  suggestThreshold,
  suggestThresholds,
  weightedProportion,
  wilsonInterval,
  type CheckedAnswer,
  type ConfidenceCount,
  type EvaluatedDocument,
} from '../../src/reports/accuracy/index.js';
import { DEFAULT_GROUND_TRUTH, decideTruth, type GroundTruthProfile } from '../../src/simulator/index.js';

const close = (actual: number | null | undefined, expected: number, digits = 4, label = '') =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) < 0.5 * 10 ** -digits,
    `${label} ${actual} ≠ ${expected}`,
  );

let seq = 0;
/** `count` checked answers alike: `right` of them confirmed by the person. */
function checked(
  count: number,
  right: number,
  fields: Partial<CheckedAnswer> & Pick<CheckedAnswer, 'source' | 'confidence'>,
): CheckedAnswer[] {
  return Array.from({ length: count }, (_, i) => {
    seq += 1;
    const answered = fields.answered ?? 'legal';
    return {
      documentId: `d${seq}`,
      taxonomy: 'default',
      model: 'gpt-4o-mini',
      promptVersion: 'classify-v2',
      answered,
      decided: i < right ? answered : 'other',
      ...fields,
    };
  });
}

describe('wilsonInterval', () => {
  it("matches Newcombe's published intervals (Statistics in Medicine, 1998, Table I)", () => {
    const a = wilsonInterval(81, 263);
    close(a?.low, 0.2553);
    close(a?.high, 0.3662);
    const b = wilsonInterval(15, 148);
    close(b?.low, 0.0624);
    close(b?.high, 0.1605);
  });

  it('stays inside [0, 1] and is never empty at 0% or 100%, where the normal interval collapses', () => {
    const perfect = wilsonInterval(50, 50);
    close(perfect?.low, 50 / (50 + 1.959963984540054 ** 2), 6);
    assert.equal(perfect?.high, 1);
    const none = wilsonInterval(0, 10);
    assert.equal(none?.low, 0);
    close(none?.high, 0.2775);
    assert.equal(wilsonInterval(0, 0), null);
  });

  it('weighs observations through their effective sample size', () => {
    assert.equal(effectiveSampleSize([1, 1, 1, 1]), 4);
    close(effectiveSampleSize([50, 1]), (51 * 51) / 2501, 9);
    const equal = weightedProportion(Array.from({ length: 20 }, (_, i) => ({ hit: i < 15, weight: 7 })));
    assert.deepEqual([equal.n, equal.successes, equal.estimate], [20, 15, 0.75]);
    assert.deepEqual(equal.interval, wilsonInterval(15, 20));
  });
});

describe('estimateAccuracy', () => {
  it('estimates the accuracy of auto-accepted answers from audits alone, with its sample size and interval', () => {
    const answers = [
      ...checked(150, 145, { source: 'audit', auditRate: 0.02, confidence: 0.9, answered: 'legal' }),
      ...checked(50, 45, { source: 'audit', auditRate: 0.02, confidence: 0.8, answered: 'technical', model: 'gpt-4o' }),
      ...checked(300, 100, { source: 'review', confidence: 0.3 }),
    ];
    const estimate = estimateAccuracy(answers);
    assert.deepEqual([estimate.overall.audited, estimate.overall.correct], [200, 190]);
    assert.equal(estimate.overall.accuracy, 0.95);
    const interval = wilsonInterval(190, 200);
    close(estimate.overall.low, interval?.low ?? 0, 9);
    close(estimate.overall.high, interval?.high ?? 0, 9);
    assert.deepEqual(
      estimate.byCategory.map((r) => [r.key, r.audited, r.correct]),
      [
        ['legal', 150, 145],
        ['technical', 50, 45],
      ],
    );
    assert.deepEqual(
      estimate.byModel.map((r) => r.key),
      ['gpt-4o', 'gpt-4o-mini'],
    );
    assert.deepEqual(
      estimate.byPromptVersion.map((r) => [r.key, r.audited]),
      [['classify-v2', 200]],
    );
  });

  it('weighs each audit by 1 / its rate across a change of rate', () => {
    const estimate = estimateAccuracy([
      ...checked(100, 100, { source: 'audit', auditRate: 0.5, confidence: 0.9 }),
      ...checked(100, 50, { source: 'audit', auditRate: 0.05, confidence: 0.9 }),
    ]);
    // 100 audits stand for 200 answers, all right; 100 stand for 2,000, half right: (200 + 1,000) / 2,200.
    close(estimate.overall.accuracy, 1200 / 2200, 9);
    assert.equal(estimate.overall.audited, 200);
  });

  it('has nothing to say without audits', () => {
    const estimate = estimateAccuracy(checked(10, 5, { source: 'review', confidence: 0.2 }));
    assert.deepEqual(estimate.overall, { key: 'all', audited: 0, correct: 0, accuracy: null, low: null, high: null });
  });
});

describe('reliabilityTable', () => {
  it('puts answers in buckets of stated confidence, weighted as the answers they stand for', () => {
    const table = reliabilityTable([
      ...checked(10, 8, { source: 'audit', auditRate: 0.1, confidence: 0.95 }),
      ...checked(10, 3, { source: 'review', confidence: 0.3 }),
      ...checked(1, 1, { source: 'audit', auditRate: 0.1, confidence: 1 }),
    ]);
    assert.deepEqual(
      table.buckets.map((b) => [b.low, b.high, b.answers, b.correct]),
      [
        [0.3, 0.4, 10, 3],
        [0.9, 1, 11, 9],
      ],
    );
    const [low, high] = table.buckets;
    close(low?.accuracy, 0.3, 9);
    close(low?.meanConfidence, 0.3, 9);
    close(high?.accuracy, 9 / 11, 9);
    close(high?.meanConfidence, (10 * 0.95 + 1) / 11, 9);
    // Weights 10 (low) and 110 (high): ECE = 10/120 × |0.3 − 0.3| + 110/120 × |9/11 − 10.5/11|.
    close(table.expectedCalibrationError, (110 / 120) * (1.5 / 11), 9);
  });

  it('mixes a bucket that straddles the threshold in the proportions of the population', () => {
    const table = reliabilityTable([
      ...checked(5, 0, { source: 'review', confidence: 0.52 }),
      ...checked(5, 5, { source: 'audit', auditRate: 0.1, confidence: 0.58 }),
    ]);
    // The 5 audits stand for 50 answers, all right; the 5 reviews for 5, all wrong. Unweighted it would read 0.5.
    close(table.buckets[0]?.accuracy, 50 / 55, 9);
  });

  it('has no calibration error to report without answers', () => {
    assert.deepEqual(reliabilityTable([]), { buckets: [], answers: 0, expectedCalibrationError: null });
  });
});

describe('suggestThreshold', () => {
  const population: ConfidenceCount[] = [
    { taxonomy: 'default', confidence: 0.4, count: 100 },
    { taxonomy: 'default', confidence: 0.8, count: 1000 },
    { taxonomy: 'default', confidence: 0.95, count: 3000 },
  ];
  const sample = () => [
    ...checked(100, 50, { source: 'review', confidence: 0.4 }),
    ...checked(100, 90, { source: 'audit', auditRate: 0.1, confidence: 0.8 }),
    ...checked(300, 300, { source: 'audit', auditRate: 0.1, confidence: 0.95 }),
  ];

  it('suggests the lowest threshold whose accepted answers reach the target at 95% confidence', () => {
    const suggestion = suggestThreshold('default', sample(), population, 0.97);
    // From 0.8 up: (900 + 3000) / 4000 = 0.975 but its lower bound over 400 audits is below 0.97; from 0.95: 300/300.
    assert.equal(suggestion.status, 'suggested');
    assert.equal(suggestion.threshold, 0.95);
    assert.equal(suggestion.accuracy, 1);
    close(suggestion.accuracyLow, 300 / (300 + 1.959963984540054 ** 2), 9);
    assert.equal(suggestion.autoAcceptShare, 3000 / 4100);
    assert.deepEqual([suggestion.sample, suggestion.audits, suggestion.minimumSample], [500, 400, 125]);
  });

  it('suggests a lower threshold for a lower target', () => {
    // From 0.4: 3950 / 4100 ≈ 0.963, lower bound ≈ 0.941; from 0.8: 0.975, lower bound ≈ 0.955.
    const suggestion = suggestThreshold('default', sample(), population, 0.95);
    assert.equal(suggestion.threshold, 0.8);
    close(suggestion.accuracy, 0.975, 9);
    assert.equal(suggestion.autoAcceptShare, 4000 / 4100);
  });

  it('says "not enough data" below the fewest answers that could show the target, or without audits', () => {
    assert.equal(minimumSample(0.97), 125);
    assert.equal(minimumSample(0.99), 381);
    const few = suggestThreshold(
      'default',
      checked(124, 124, { source: 'audit', auditRate: 0.02, confidence: 0.9 }),
      [],
    );
    assert.deepEqual([few.status, few.threshold], ['not_enough_data', null]);
    assert.match(few.reason ?? '', /124 checked answers; at least 125/);
    const noAudits = suggestThreshold('default', checked(400, 400, { source: 'review', confidence: 0.4 }), []);
    assert.equal(noAudits.status, 'not_enough_data');
    assert.match(noAudits.reason ?? '', /no audits/);
  });

  it('says so when no threshold reaches the target', () => {
    const suggestion = suggestThreshold(
      'default',
      checked(300, 270, { source: 'audit', auditRate: 0.02, confidence: 0.99 }),
      [],
      0.97,
    );
    assert.deepEqual([suggestion.status, suggestion.threshold], ['target_not_met', null]);
  });

  it('refuses a target that is not strictly between 0 and 1', () => {
    assert.throws(() => suggestThreshold('default', [], [], 1), RangeError);
    assert.throws(() => suggestThreshold('default', [], [], 0), RangeError);
  });

  it('suggests one threshold per taxonomy, in byte order', () => {
    const support = sample().map((a) => ({ ...a, taxonomy: 'support' }));
    const suggestions = suggestThresholds([...support, ...sample()], population, 0.97);
    assert.deepEqual(
      suggestions.map((s) => [s.taxonomy, s.threshold]),
      [
        ['default', 0.95],
        ['support', 0.95],
      ],
    );
  });
});

describe('the stratified estimates against a known truth (simulator ground truth)', () => {
  // A model that is never far wrong when sure of itself, so that a 0.97 target can be met.
  const model: GroundTruthProfile = {
    ...DEFAULT_GROUND_TRUTH,
    wrongShare: 0.005,
    wrongConfidence: { min: 0.5, max: 0.99 },
    overconfidence: -0.1,
  };
  const categories = ['technical', 'business', 'legal', 'marketing', 'other'];
  const decisions = Array.from({ length: 20_000 }, (_, i) =>
    decideTruth(`document ${i}: the contract clause`, categories, 'gpt-4o-mini', model, 3),
  );
  const THRESHOLD = 0.5;
  const AUDIT_RATE = 0.1;
  // What Docket would have checked: every answer below the threshold (review), a tenth of the others (audit).
  const sampled: CheckedAnswer[] = decisions.flatMap((d, i) => {
    const below = d.confidence < THRESHOLD;
    if (!below && i % 10 !== 0) return [];
    return [
      {
        documentId: `doc-${i}`,
        taxonomy: 'default',
        model: 'gpt-4o-mini',
        promptVersion: 'classify-v2',
        answered: d.answer,
        confidence: d.confidence,
        decided: d.truth,
        source: below ? 'review' : 'audit',
        ...(below ? {} : { auditRate: AUDIT_RATE }),
      },
    ];
  });
  const truthOf = (accepted: typeof decisions) => accepted.filter((d) => d.correct).length / accepted.length;

  it('estimates the accuracy of all answers, both sides of the threshold, within its interval', () => {
    const all = reliabilityTable(sampled);
    const trueEce = reliabilityTable(
      decisions.map((d, i) => ({
        ...(sampled[0] as CheckedAnswer),
        documentId: `doc-${i}`,
        answered: d.answer,
        decided: d.truth,
        confidence: d.confidence,
        source: 'review' as const,
      })),
    ).expectedCalibrationError;
    close(all.expectedCalibrationError, trueEce ?? 0, 2, 'ECE');
    const truth = truthOf(decisions);
    const weighted = weightedProportion(
      sampled.map((a) => ({ hit: a.answered === a.decided, weight: a.source === 'audit' ? 1 / AUDIT_RATE : 1 })),
    );
    assert.ok(weighted.interval && weighted.interval.low <= truth && truth <= weighted.interval.high, `${truth}`);
    // Counted unweighted, the reviews below the threshold would swamp the audits: far off the truth.
    const unweighted = sampled.filter((a) => a.answered === a.decided).length / sampled.length;
    assert.ok(Math.abs(unweighted - truth) > 0.1, `unweighted ${unweighted} vs truth ${truth}`);
    assert.ok(all.buckets.length >= 6);
    for (const bucket of all.buckets) {
      const inBucket = decisions.filter(
        (d) => d.confidence >= bucket.low && (d.confidence < bucket.high || bucket.high === 1),
      );
      assert.ok(
        (bucket.accuracyLow ?? 1) <= truthOf(inBucket) + 0.02 && truthOf(inBucket) - 0.02 <= (bucket.accuracyHigh ?? 0),
        `[${bucket.low}, ${bucket.high}): true ${truthOf(inBucket)}, estimated ${bucket.accuracy}`,
      );
    }
  });

  it('suggests a threshold whose accepted answers really meet the target, and their real share', () => {
    const population = [...new Set(decisions.map((d) => d.confidence))].map((confidence) => ({
      taxonomy: 'default',
      confidence,
      count: decisions.filter((d) => d.confidence === confidence).length,
    }));
    for (const target of [0.75, 0.97]) {
      const suggestion = suggestThreshold('default', sampled, population, target);
      assert.equal(suggestion.status, 'suggested');
      const accepted = decisions.filter((d) => d.confidence >= (suggestion.threshold ?? 2));
      const truth = truthOf(accepted);
      assert.ok(truth >= target, `true accuracy above ${suggestion.threshold}: ${truth}`);
      // Below the current threshold too (0.75 accepts answers only reviews have seen), the estimate holds the truth.
      assert.ok(
        (suggestion.accuracyLow ?? 1) <= truth && truth <= (suggestion.accuracyHigh ?? 0),
        `target ${target}: threshold ${suggestion.threshold}, true ${truth}, estimated ${suggestion.accuracy}`,
      );
      close(suggestion.autoAcceptShare, accepted.length / decisions.length, 9);
    }
    assert.ok((suggestThreshold('default', sampled, population, 0.75).threshold ?? 1) < THRESHOLD);
  });
});

describe('evaluate', () => {
  // gold → predicted for ten documents; d9 got no valid answer.
  const PAIRS: Array<[string, string | null]> = [
    ['a', 'a'],
    ['a', 'a'],
    ['a', 'b'],
    ['b', 'b'],
    ['b', 'a'],
    ['c', 'c'],
    ['c', 'c'],
    ['c', 'c'],
    ['c', null],
    ['b', 'b'],
  ];
  const documents = (predicted: Array<string | null> = PAIRS.map(([, p]) => p)): EvaluatedDocument[] =>
    PAIRS.map(([gold], i) => ({
      documentId: `d${i}`,
      gold,
      predicted: predicted[i] ?? null,
      costUsd: i === 9 ? null : 0.001,
      latencyMs: (i + 1) * 100,
    }));

  it('computes accuracy, per-category precision, recall and F1, macro-F1 and the confusion matrix', () => {
    const evaluation = evaluate(documents(), ['a', 'b', 'c', 'd']);
    assert.deepEqual([evaluation.documents, evaluation.answered, evaluation.correct], [10, 9, 7]);
    assert.equal(evaluation.accuracy, 0.7);
    assert.deepEqual(
      evaluation.perCategory.map((s) => [s.category, s.support, s.predicted, s.truePositives]),
      [
        ['a', 3, 3, 2],
        ['b', 3, 3, 2],
        ['c', 4, 3, 3],
      ],
    );
    const c = evaluation.perCategory[2];
    assert.deepEqual([c?.precision, c?.recall], [1, 0.75]);
    close(c?.f1, 6 / 7, 9);
    close(evaluation.macroF1, (2 / 3 + 2 / 3 + 6 / 7) / 3, 9);
    assert.deepEqual(evaluation.confusion, {
      labels: ['a', 'b', 'c'],
      columns: ['a', 'b', 'c', 'd', NO_ANSWER],
      rows: [
        [2, 1, 0, 0, 0],
        [1, 2, 0, 0, 0],
        [0, 0, 3, 0, 1],
      ],
    });
  });

  it('counts a category never predicted as F1 0 in macro-F1', () => {
    const evaluation = evaluate(documents(PAIRS.map(([, p]) => (p === 'c' ? 'a' : p))), ['a', 'b', 'c']);
    const c = evaluation.perCategory.find((s) => s.category === 'c');
    assert.deepEqual([c?.precision, c?.recall, c?.f1], [null, 0, 0]);
  });

  it('reports cost over priced documents and latency percentiles as percentile_cont computes them', () => {
    const evaluation = evaluate(documents());
    close(evaluation.cost.totalUsd, 0.009, 12);
    close(evaluation.cost.perDocumentUsd, 0.001, 12);
    assert.equal(evaluation.cost.unpriced, 1);
    assert.equal(evaluation.latencyMs.p50, 550);
    close(evaluation.latencyMs.p95, 955, 9);
    assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
    close(percentile([1, 2, 3, 4], 0.95), 3.85, 9);
    assert.equal(percentile([], 0.5), null);
  });

  it('compares two configurations side by side with the exact McNemar test of their disagreements', () => {
    const better = documents(['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'c', 'a']);
    const comparison = compareEvaluations(documents(), better, ['a', 'b', 'c']);
    assert.equal(comparison.paired, 10);
    assert.deepEqual(
      [comparison.bothRight, comparison.onlyARight, comparison.onlyBRight, comparison.bothWrong],
      [6, 1, 3, 0],
    );
    // 4 discordant pairs split 1 : 3: p = 2 × (C(4,0) + C(4,1)) / 2^4 = 0.625.
    close(comparison.mcnemarP, 0.625, 12);
    close(comparison.delta.accuracy, 0.2, 12);
    assert.equal(comparison.delta.costPerDocumentUsd, 0);
  });

  it('computes McNemar exactly for small and large samples', () => {
    assert.equal(exactMcNemar(0, 0), 1);
    assert.equal(exactMcNemar(10, 0), 2 / 1024);
    close(exactMcNemar(1, 4), 0.375, 12);
    assert.equal(exactMcNemar(500, 500), 1);
    assert.ok(exactMcNemar(400, 600) < 1e-9);
  });
});

describe('cohensKappa', () => {
  it('gives 0.4 on the textbook table (20 yes/yes, 15 no/no, 5 yes/no, 10 no/yes)', () => {
    const pairs: Array<[string, string]> = [
      ...Array.from({ length: 20 }, (): [string, string] => ['yes', 'yes']),
      ...Array.from({ length: 15 }, (): [string, string] => ['no', 'no']),
      ...Array.from({ length: 5 }, (): [string, string] => ['yes', 'no']),
      ...Array.from({ length: 10 }, (): [string, string] => ['no', 'yes']),
    ];
    const agreement = cohensKappa(pairs);
    assert.deepEqual([agreement.documents, agreement.agreed], [50, 35]);
    close(agreement.observed, 0.7, 12);
    close(agreement.expected, 0.5, 12);
    close(agreement.kappa, 0.4, 12);
  });

  it('has no kappa without documents, or when chance alone agrees on everything', () => {
    assert.equal(cohensKappa([]).kappa, null);
    const same = cohensKappa([
      ['legal', 'legal'],
      ['legal', 'legal'],
    ]);
    assert.deepEqual([same.observed, same.kappa], [1, null]);
  });
});

describe('reviewerThroughput', () => {
  const at = (iso: string) => new Date(`2026-11-${iso}Z`);
  it('counts decisions per active day and hour, and the median time from pending to decided', () => {
    const throughput = reviewerThroughput([
      { reviewer: 'ann', decidedAt: at('02T09:10:00'), pendingSince: at('02T09:00:00') },
      { reviewer: 'ann', decidedAt: at('02T09:50:00'), pendingSince: at('02T09:20:00') },
      { reviewer: 'ann', decidedAt: at('02T11:00:00'), pendingSince: at('02T08:00:00') },
      { reviewer: 'bob', decidedAt: at('02T10:00:00'), pendingSince: null },
      { reviewer: 'bob', decidedAt: at('04T10:00:00'), pendingSince: at('04T09:59:00') },
    ]);
    assert.deepEqual(
      throughput.reviewers.map((r) => [r.reviewer, r.decisions, r.activeDays, r.activeHours, r.medianSecondsToDecide]),
      [
        ['ann', 3, 1, 2, 1800],
        ['bob', 2, 2, 2, 60],
      ],
    );
    assert.deepEqual([throughput.reviewers[0]?.perActiveDay, throughput.reviewers[0]?.perActiveHour], [3, 1.5]);
    assert.deepEqual([throughput.decisions, throughput.timed, throughput.medianSecondsToDecide], [5, 4, 1200]);
  });
});

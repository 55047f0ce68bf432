import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderHealth } from '../../src/db/provider-health.js';
import { agreementRow, type AgreementReport } from '../../src/reports/agreement.js';
import { assembleReport } from '../../src/reports/report.js';
import type { CallTotalsRow, CostGroupRow, ReportRows } from '../../src/reports/rows.js';
import { callsSection } from '../../src/reports/sections/calls.js';
import { costRow, costSection, fillDays, type CostRow } from '../../src/reports/sections/cost.js';
import { documentsSection } from '../../src/reports/sections/documents.js';
import { errorsSection } from '../../src/reports/sections/errors.js';
import { finishReasonsSection } from '../../src/reports/sections/finish-reasons.js';
import { latencySection } from '../../src/reports/sections/latency.js';
import { parseSection } from '../../src/reports/sections/parse.js';
import { modesSection } from '../../src/reports/sections/modes.js';
import { providerSection } from '../../src/reports/sections/provider.js';
import { reviewSection } from '../../src/reports/sections/review.js';
import { shareRows } from '../../src/reports/sections/shares.js';
import { tokensSection } from '../../src/reports/sections/tokens.js';
import { withoutSimulatorArtefacts } from '../../src/reports/warnings.js';

// The section builders are pure: rows in, figures out. These tests feed them rows by hand.

const at = (iso: string) => new Date(`${iso}Z`);

/** Call totals of a window, zero unless given. */
function totals(overrides: Partial<CallTotalsRow> = {}): CallTotalsRow {
  return {
    calls: 0,
    pricedCalls: 0,
    costUsd: 0,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    ok: 0,
    invalidOutput: 0,
    error: 0,
    started: 0,
    answered: 0,
    parseFailed: 0,
    outageCalls: 0,
    medianInputTokensOk: null,
    p50All: null,
    p95All: null,
    p99All: null,
    p50Ok: null,
    p95Ok: null,
    p99Ok: null,
    ...overrides,
  };
}

const group = (key: string, calls: number, pricedCalls: number, costUsd: number | null): CostGroupRow => ({
  key,
  calls,
  pricedCalls,
  costUsd,
  inputTokens: calls * 100,
  cachedTokens: 0,
  outputTokens: calls * 10,
});
const day = (key: string, calls = 1): CostRow => costRow(group(key, calls, calls, calls * 0.001));
const NO_AGREEMENT: AgreementReport = {
  overall: agreementRow({ key: 'all', decided: 0, agreed: 0 }),
  byCategory: [],
  byPromptVersion: [],
  byModel: [],
};
const codes = (section: { warnings: Array<{ code: string }> }) => section.warnings.map((w) => w.code);

describe('the cost section', () => {
  const rows = {
    totals: totals({ calls: 5, pricedCalls: 3, costUsd: 0.25 }),
    costByModel: [group('gpt-4o', 3, 3, 0.25), group('mystery', 2, 0, null)],
    costByPromptVersion: [],
    costByTaxonomy: [],
    costByDay: [],
    unpricedModels: ['mystery'],
  };
  const range = { since: null, until: null, now: at('2026-11-05T00:00:00') };

  it('counts unpriced calls apart from the priced total and warns about them by model', () => {
    const cost = costSection(rows, range);
    assert.deepEqual([cost.totalUsd, cost.calls, cost.pricedCalls, cost.unpricedCalls], [0.25, 5, 3, 2]);
    assert.deepEqual(
      cost.byModel.map((r) => [r.key, r.unpricedCalls, r.costUsd]),
      [
        ['gpt-4o', 0, 0.25],
        ['mystery', 2, null],
      ],
    );
    assert.deepEqual(codes(cost), ['unpriced_calls']);
    assert.match(cost.warnings[0]?.message ?? '', /^2 of 5 calls have no price \(mystery not in the price table\)/);
  });

  it('has no warning when every call is priced', () => {
    const priced = costSection({ ...rows, totals: totals({ calls: 3, pricedCalls: 3 }), unpricedModels: [] }, range);
    assert.deepEqual(priced.warnings, []);
  });
});

describe('the days of the cost chart', () => {
  const keys = (rows: CostRow[]) => rows.map((r) => `${r.key}:${r.calls}`);

  it('fills the days between calls with zero rows', () => {
    const filled = fillDays([day('2026-11-01'), day('2026-11-04', 2)], {
      since: null,
      until: null,
      now: at('2026-12-01T00:00:00'),
    });
    assert.deepEqual(keys(filled), ['2026-11-01:1', '2026-11-02:0', '2026-11-03:0', '2026-11-04:2']);
    assert.deepEqual(filled[1], day('2026-11-02', 0));
  });

  it('runs from since to the clock when the window is open-ended, and to the day before until otherwise', () => {
    const since = at('2026-11-02T00:00:00');
    assert.deepEqual(keys(fillDays([day('2026-11-03')], { since, until: null, now: at('2026-11-04T08:00:00') })), [
      '2026-11-02:0',
      '2026-11-03:1',
      '2026-11-04:0',
    ]);
    const until = at('2026-11-04T00:00:00');
    assert.deepEqual(keys(fillDays([], { since, until, now: at('2030-01-01T00:00:00') })), [
      '2026-11-02:0',
      '2026-11-03:0',
    ]);
  });

  it('never cuts off a day with calls, even one after the clock', () => {
    const since = at('2026-11-01T00:00:00');
    const filled = fillDays([day('2026-11-01'), day('2026-11-03')], {
      since,
      until: null,
      now: at('2026-11-02T00:00:00'),
    });
    assert.deepEqual(keys(filled), ['2026-11-01:1', '2026-11-02:0', '2026-11-03:1']);
  });

  it('leaves a window of more than a year, and an empty unbounded one, as they are', () => {
    const since = at('2025-01-01T00:00:00');
    const rows = [day('2026-11-01')];
    assert.deepEqual(fillDays(rows, { since, until: null, now: at('2026-11-02T00:00:00') }), rows);
    assert.deepEqual(fillDays([], { since: null, until: null, now: at('2026-11-02T00:00:00') }), []);
  });
});

describe('the tokens section', () => {
  it('computes the cached ratio, null without input tokens', () => {
    assert.equal(tokensSection(totals({ inputTokens: 2000, cachedTokens: 500 })).cachedRatio, 0.25);
    assert.equal(tokensSection(totals()).cachedRatio, null);
  });

  it('warns that prompts under 1024 tokens are never cached', () => {
    const tokens = tokensSection(totals({ calls: 50, inputTokens: 1000, medianInputTokensOk: 750 }));
    assert.deepEqual(codes(tokens), ['prompt_below_cache_minimum']);
    assert.match(tokens.warnings[0]?.message ?? '', /is 750 tokens: prompts under 1024 tokens are never cached/);
    assert.deepEqual(
      codes(tokensSection(totals({ calls: 50, inputTokens: 1, cachedTokens: 1, medianInputTokensOk: 1024 }))),
      [],
    );
  });

  it('warns about long prompts never cached from 20 calls on', () => {
    const long = { inputTokens: 30_000, medianInputTokensOk: 1500 };
    assert.deepEqual(codes(tokensSection(totals({ ...long, calls: 20 }))), ['no_cached_tokens']);
    assert.deepEqual(codes(tokensSection(totals({ ...long, calls: 19 }))), []);
  });
});

describe('the latency section', () => {
  it('reports percentiles of all calls and of ok calls', () => {
    const latency = latencySection(totals({ calls: 4, ok: 3, p50All: 100, p95All: 200, p99All: 250, p50Ok: 90 }));
    assert.deepEqual(latency.all, { count: 4, p50: 100, p95: 200, p99: 250 });
    assert.deepEqual(latency.ok, { count: 3, p50: 90, p95: null, p99: null });
    assert.deepEqual(latency.warnings, []);
  });

  it('warns when p95 exceeds 3 × p50, naming the series that do', () => {
    const tail = latencySection(totals({ p50All: 100, p95All: 300.5, p50Ok: 100, p95Ok: 300 }));
    assert.deepEqual(codes(tail), ['latency_tail']);
    assert.equal(tail.warnings[0]?.message, 'p95 latency is over 3× p50 (all calls p95 301 ms vs p50 100 ms)');
  });
});

describe('the finish reasons section', () => {
  it('gives each reason its share of the answers, and warns above 5% length', () => {
    const f = finishReasonsSection([
      { key: 'stop', count: 18 },
      { key: 'length', count: 2 },
    ]);
    assert.equal(f.total, 20);
    assert.deepEqual(
      f.rows.map((r) => r.share),
      [0.9, 0.1],
    );
    assert.equal(f.lengthShare, 0.1);
    assert.deepEqual(codes(f), ['finish_reason_length']);
    assert.match(f.warnings[0]?.message ?? '', /^10\.0% of answers stopped at the token limit .*2 of 20/);
  });

  it('does not warn at exactly 5%, and has no share without answers', () => {
    const atLimit = finishReasonsSection([
      { key: 'stop', count: 19 },
      { key: 'length', count: 1 },
    ]);
    assert.deepEqual(atLimit.warnings, []);
    assert.deepEqual(finishReasonsSection([]), { total: 0, rows: [], lengthShare: null, warnings: [] });
  });
});

describe('the documents, calls, parse and errors sections', () => {
  it('counts the open documents as those without a classification', () => {
    assert.deepEqual(documentsSection({ total: 10, completed: 7, model: 4, human: 2, unreviewed: 1 }), {
      total: 10,
      completed: 7,
      open: 3,
      decidedBy: { model: 4, human: 2, unreviewed: 1 },
    });
  });

  it('reports ledger rows still `started` as calls of unknown outcome', () => {
    assert.deepEqual(callsSection(totals({ calls: 6, ok: 3, invalidOutput: 1, error: 1, started: 1 })), {
      total: 6,
      ok: 3,
      invalidOutput: 1,
      error: 1,
      unknownOutcome: 1,
    });
  });

  it('computes the parse-failure rate over answered calls only', () => {
    assert.deepEqual(parseSection(totals({ calls: 10, answered: 8, parseFailed: 2 })), {
      answered: 8,
      failed: 2,
      rate: 0.25,
    });
    assert.equal(parseSection(totals({ calls: 3 })).rate, null);
  });

  it('gives each error class and type its share of all calls', () => {
    const errors = errorsSection(
      totals({ calls: 20, error: 3 }),
      [
        { key: 'transient', count: 3 },
        { key: 'output', count: 1 },
      ],
      [{ key: 'DocketTimeout', count: 3, errorClass: null }],
    );
    assert.equal(errors.errorRate, 0.15);
    assert.deepEqual(
      errors.byClass.map((r) => r.share),
      [0.15, 0.05],
    );
    assert.deepEqual(errors.byType, [{ key: 'DocketTimeout', count: 3, share: 0.15, errorClass: '' }]);
    assert.equal(errorsSection(totals(), [], []).errorRate, null);
  });
});

describe('the review section', () => {
  const decisions = { classified: 10, model: 6, human: 3, unreviewed: 1 };
  const reasons = [
    { key: 'low_confidence', count: 2 },
    { key: 'invalid_output', count: 1 },
  ];

  it('counts the share that needed a person and the human decisions by reason', () => {
    const review = reviewSection(decisions, reasons, NO_AGREEMENT, { windowEnds: false, simulated: false });
    assert.equal(review.reviewRate, 0.4);
    assert.deepEqual(
      review.byReason.map((r) => [r.key, r.share]),
      [
        ['low_confidence', 2 / 3],
        ['invalid_output', 1 / 3],
      ],
    );
    assert.equal(review.notes.length, 1);
  });

  it('says first that a report is simulated, and last that agreement ignores the window end', () => {
    const notes = reviewSection(decisions, [], NO_AGREEMENT, { windowEnds: true, simulated: true }).notes;
    assert.equal(notes.length, 3);
    assert.match(notes[0] ?? '', /^simulated: /);
    assert.match(notes[2] ?? '', /window end does not apply/);
  });

  it('rates agreement only where something was decided', () => {
    assert.deepEqual(agreementRow({ key: 'v1', decided: 4, agreed: 3 }), {
      key: 'v1',
      decided: 4,
      agreed: 3,
      rate: 0.75,
    });
    assert.equal(agreementRow({ key: 'v2', decided: 0, agreed: 0 }).rate, null);
    assert.deepEqual(shareRows([]), []);
  });
});

describe('the provider section', () => {
  const health: ProviderHealth = {
    breaker: 'closed',
    consecutiveFailures: 2,
    openedAt: at('2026-11-01T08:00:00'),
    closedAt: at('2026-11-01T08:10:00'),
    probes: 3,
    nextProbeAt: null,
    holdUntil: at('2026-11-01T09:00:00'),
    lastSuccessAt: at('2026-11-01T08:10:00'),
    rateLimitedSince: at('2026-11-01T08:30:00'),
    rateLimitAlertedAt: null,
  };

  it('is absent without provider state', () => {
    assert.equal(providerSection(undefined, 4, { alertAfterMs: 1000, now: new Date() }), undefined);
  });

  it('shows the closed breaker, the hold still ahead and the calls failed in an outage', () => {
    const now = at('2026-11-01T08:40:00');
    assert.deepEqual(providerSection(health, 4, { alertAfterMs: 15 * 60_000, now }), {
      breaker: 'closed',
      consecutiveFailures: 2,
      closedAt: '2026-11-01T08:10:00.000Z',
      holdUntil: '2026-11-01T09:00:00.000Z',
      lastSuccessAt: '2026-11-01T08:10:00.000Z',
      rateLimitStorm: { since: '2026-11-01T08:30:00.000Z', alert: false },
      outageCalls: 4,
    });
  });

  it('raises the storm alert once rate limits have lasted the alert time, and drops a past hold', () => {
    const now = at('2026-11-01T09:00:00');
    const section = providerSection(health, 0, { alertAfterMs: 30 * 60_000, now });
    assert.deepEqual(section?.rateLimitStorm, { since: '2026-11-01T08:30:00.000Z', alert: true });
    assert.equal(section?.holdUntil, undefined);
  });
});

describe('the modes section', () => {
  const realtime = {
    mode: 'realtime' as const,
    calls: 10,
    costUsd: 0.4,
    providerJobs: 0,
    waitP50Ms: 300,
    waitP95Ms: 900,
  };
  const batch = {
    mode: 'batch_api' as const,
    calls: 20,
    costUsd: 0.3,
    providerJobs: 2,
    waitP50Ms: 3.6e6,
    waitP95Ms: 7.2e6,
  };

  it('is absent while the window has no Batch API call', () => {
    assert.equal(modesSection([realtime]), undefined);
  });

  it('prices Batch API calls at realtime rates to show what the discount saved', () => {
    const section = modesSection([realtime, batch]);
    assert.deepEqual(section?.byMode[1], {
      ...batch,
      realtimeEquivalentUsd: 0.6,
      savedUsd: 0.3,
    });
    assert.equal(section?.byMode[0]?.savedUsd, 0);
    assert.equal(section?.savedUsd, 0.3);
  });
});

describe('the assembled report', () => {
  const rows: ReportRows = {
    totals: totals({
      calls: 30,
      pricedCalls: 29,
      inputTokens: 30_000,
      medianInputTokensOk: 500,
      p50All: 10,
      p95All: 100,
    }),
    costByModel: [],
    modes: [],
    costByPromptVersion: [],
    costByTaxonomy: [],
    costByDay: [],
    unpricedModels: ['mystery'],
    finishReasons: [{ key: 'length', count: 1 }],
    errorClasses: [],
    errorTypes: [],
    documents: { total: 0, completed: 0, model: 0, human: 0, unreviewed: 0 },
    decisions: { classified: 0, model: 0, human: 0, unreviewed: 0 },
    reviewReasons: [],
    agreement: NO_AGREEMENT,
    providerHealth: undefined,
  };
  const now = at('2026-11-02T00:00:00');

  it('gathers the warnings of every section, in section order', () => {
    const report = assembleReport(rows, { now });
    assert.deepEqual(
      report.warnings.map((w) => w.code),
      ['unpriced_calls', 'prompt_below_cache_minimum', 'latency_tail', 'finish_reason_length'],
    );
    assert.equal(report.provider, undefined);
    assert.equal(report.simulated, undefined);
    assert.equal(report.generatedAt, '2026-11-02T00:00:00.000Z');
  });

  it('leaves out of a simulated report the warnings only a real provider can justify', () => {
    const report = assembleReport(rows, { now, simulated: true });
    assert.equal(report.simulated, true);
    assert.deepEqual(
      report.warnings.map((w) => w.code),
      ['unpriced_calls', 'finish_reason_length'],
    );
    assert.deepEqual(report.tokens.warnings, []);
    const section = { figure: 1, warnings: [{ code: 'latency_tail' as const, message: 'slow' }] };
    assert.deepEqual(withoutSimulatorArtefacts(section), { figure: 1, warnings: [] });
  });
});

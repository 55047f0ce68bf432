import assert from 'node:assert/strict';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '../../src/db/pool.js';
import { insertLlmCall, type LlmCallRow } from '../../src/db/queries.js';
import { formatReportHtml } from '../../src/reports/format-html.js';
import { formatReportText, formatUsd } from '../../src/reports/format-text.js';
import { buildReport, type CostRow, type Report } from '../../src/reports/report.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

const EVIL_MODEL = '<script>alert("x")</script>';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const CHARTS = [
  'cost-per-day',
  'cost-by-model',
  'cache-gauge',
  'latency',
  'finish-reasons',
  'errors-by-class',
  'errors-by-type',
];

const at = (iso: string) => new Date(`${iso}Z`);
/** `MM-DDTHH:MM[:SS]` in 2026, UTC. */
const in2026 = (when: string) => at(`2026-${when}${when.length === 'MM-DDTHH:MM'.length ? ':00' : ''}`);
const NOVEMBER = { since: at('2026-11-01T00:00:00'), until: at('2026-12-01T00:00:00'), now: at('2026-12-05T09:00:00') };

/** Equal within `tolerance` (sums of floating-point dollars, interpolated percentiles). */
function near(actual: number | null | undefined, expected: number, tolerance = 1e-9): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `expected ${expected} (±${tolerance}), got ${actual}`,
  );
}

let callSeq = 0;
/**
 * One ledger row: when (UTC, `MM-DDTHH:MM[:SS]` in 2026), document, model, [input, cached, output] tokens, cost (null:
 * unpriced) and latency; by default an ok call answered with HTTP 200, finish_reason "stop", prompt v1, taxonomy
 * support. `extras` override the rest.
 */
function row(
  when: string,
  documentId: string,
  model: string,
  [inputTokens, cachedTokens, outputTokens]: [number, number, number],
  costUsd: number | null,
  latencyMs: number,
  ...extras: Array<Partial<LlmCallRow>>
): LlmCallRow {
  callSeq += 1;
  return {
    callKey: `call-${callSeq}`,
    documentId,
    workflowId: `classify-${documentId}`,
    runId: 'run-1',
    activityAttempt: 1,
    purpose: 'classify',
    model,
    promptVersion: 'v1',
    taxonomy: 'support',
    inputTokens,
    cachedTokens,
    outputTokens,
    costUsd,
    priced: costUsd !== null,
    latencyMs,
    httpStatus: 200,
    outcome: 'ok',
    errorClass: null,
    errorType: null,
    finishReason: 'stop',
    parseOk: true,
    requestId: null,
    startedAt: in2026(when),
    ...Object.assign({}, ...extras),
  };
}

const mini = 'gpt-4o-mini';
const big = 'gpt-4o';
const LEGAL_V2: Partial<LlmCallRow> = { promptVersion: 'v2', taxonomy: 'legal' };
const V2: Partial<LlmCallRow> = { promptVersion: 'v2' };
const RETRY: Partial<LlmCallRow> = { activityAttempt: 2 };
const REPAIR: Partial<LlmCallRow> = { purpose: 'repair' };
/** A failed HTTP call (`status` null: no answer, a timeout). */
const failed = (httpStatus: number | null, errorClass: string, errorType: string): Partial<LlmCallRow> => ({
  httpStatus,
  outcome: 'error',
  errorClass,
  errorType,
  finishReason: null,
  parseOk: null,
});
/** A 200 answer cut off at the token limit, which failed validation. */
const TRUNCATED: Partial<LlmCallRow> = {
  outcome: 'invalid_output',
  errorClass: 'output',
  errorType: 'invalid_output',
  finishReason: 'length',
  parseOk: false,
};
const CONTENT_FILTERED: Partial<LlmCallRow> = {
  outcome: 'error',
  errorClass: 'input',
  errorType: 'DocketContentFiltered',
  finishReason: 'content_filter',
  parseOk: false,
};

/**
 * The known ledger. November (the main window) holds 20 calls over three days on three models, one of them missing
 * from the price table; October holds one earlier call and December 20 calls with long, never-cached prompts.
 */
// prettier-ignore
const CALLS: LlmCallRow[] = [
  // October: before the main window
  row('10-20T08:00', 'd0', mini, [1000, 0, 100], 0.003, 500),
  // November 1st
  row('11-01T10:00', 'd1', mini, [800, 0, 50], 0.001, 400),
  row('11-01T10:05', 'd2', mini, [900, 0, 50], 0.001, 500),
  row('11-01T10:10', 'd3', mini, [700, 0, 50], 0.001, 600),
  row('11-01T10:15', 'd4', mini, [0, 0, 0], 0, 100, failed(429, 'transient', 'DocketRateLimited')),
  row('11-01T10:16', 'd4', mini, [1000, 500, 50], 0.001, 700, RETRY),
  row('11-01T10:20', 'd5', mini, [1200, 0, 400], 0.002, 800, TRUNCATED),
  row('11-01T10:21', 'd5', mini, [1200, 0, 100], 0.001, 900, REPAIR),
  // November 2nd
  row('11-02T09:00', 'd6', big, [2000, 1000, 100], 0.01, 1000, LEGAL_V2),
  row('11-02T09:05', 'd7', big, [600, 0, 100], 0.005, 1100, LEGAL_V2),
  row('11-02T09:10', 'd8', big, [0, 0, 0], 0, 30000, LEGAL_V2, failed(null, 'transient', 'DocketTimeout')),
  row('11-02T09:11', 'd8', big, [600, 0, 100], 0.005, 1200, LEGAL_V2, RETRY),
  row('11-02T09:15', 'd9', big, [0, 0, 0], 0, 200, LEGAL_V2, failed(401, 'operator', 'DocketAuthentication')),
  row('11-02T11:00', 'd9', big, [600, 0, 100], 0.005, 1300, LEGAL_V2),
  row('11-02T23:59:59', 'd10', big, [0, 0, 0], 0, 150, LEGAL_V2, failed(400, 'input', 'DocketContextLengthExceeded')),
  // November 3rd: the unpriced model first, at midnight
  row('11-03T00:00', 'd11', EVIL_MODEL, [500, 0, 20], null, 1400, V2),
  row('11-03T08:00', 'd12', EVIL_MODEL, [500, 0, 20], null, 1500, V2),
  row('11-03T09:00', 'd13', mini, [800, 0, 300], 0.0015, 25000, TRUNCATED),
  row('11-03T09:01', 'd13', mini, [800, 0, 50], 0.001, 450, REPAIR),
  row('11-03T10:00', 'd14', mini, [0, 0, 0], 0, 300, failed(500, 'transient', 'DocketServerError')),
  row('11-03T10:01', 'd14', mini, [800, 0, 0], 0.00012, 650, RETRY, CONTENT_FILTERED),
  // December: long prompts, never cached
  ...Array.from({ length: 20 }, (_, i) =>
    row(`12-0${i < 10 ? 1 : 2}T12:00`, `e${i}`, 'gpt-4.1-mini', [1500, 0, 60], 0.0007, 1000 + i * 10, { promptVersion: 'v3' }),
  ),
];

interface Decision {
  decidedBy: 'model' | 'human';
  decidedAt: string;
  model?: string;
  promptVersion?: string;
  unreviewed?: boolean;
  reason?: string;
  suggested?: string;
  category?: string;
}
/** Decided by the model at `when` (`MM-DDTHH:MM` in 2026). */
const byModel = (when: string, extra: Partial<Decision> = {}): Decision => ({
  decidedBy: 'model',
  decidedAt: when,
  ...extra,
});
/** Decided by a person at `when`, for `reason`; the model suggested `suggested` (or nothing). */
const byHuman = (
  when: string,
  reason: string,
  suggested: string | undefined,
  category: string,
  extra: Partial<Decision> = {},
): Decision => ({ decidedBy: 'human', decidedAt: when, reason, suggested, category, ...extra });
const BIG_V2: Partial<Decision> = { model: big, promptVersion: 'v2' };
const EVIL_V2: Partial<Decision> = { model: EVIL_MODEL, promptVersion: 'v2' };

/** Documents: id, created at (`MM-DDTHH:MM` in 2026) and the classification; d14, d15 and d16 are still open. */
// prettier-ignore
const DOCUMENTS: Array<[string, string, Decision?]> = [
  ['d0', '10-20T07:59', byHuman('10-20T09:00', 'low_confidence', 'billing', 'refund')],
  ['d1', '11-01T09:59', byModel('11-01T10:01')],
  ['d2', '11-01T10:04', byModel('11-01T10:06')],
  ['d3', '11-01T10:09', byModel('11-01T10:11')],
  ['d4', '11-01T10:14', byModel('11-01T10:17')],
  ['d5', '11-01T10:19', byHuman('11-01T15:00', 'low_confidence', 'billing', 'billing')],
  ['d15', '11-01T12:00'],
  ['d6', '11-02T08:59', byModel('11-02T09:01', BIG_V2)],
  ['d7', '11-02T09:04', byHuman('11-02T12:00', 'low_confidence', 'contract', 'privacy', BIG_V2)],
  ['d8', '11-02T09:09', byModel('11-02T09:12', BIG_V2)],
  ['d9', '11-02T09:14', byModel('11-02T11:01', BIG_V2)],
  ['d10', '11-02T23:59', byHuman('11-03T08:30', 'input_too_long', undefined, 'contract', BIG_V2)],
  ['d11', '11-02T23:59', byModel('11-03T00:01', EVIL_V2)],
  ['d12', '11-03T07:59', byModel('11-04T08:00', { ...EVIL_V2, unreviewed: true })],
  ['d13', '11-03T08:59', byHuman('11-03T17:00', 'invalid_output', 'bug', 'bug')],
  ['d14', '11-03T09:59'],
  ['d16', '11-03T12:00'],
  ...Array.from({ length: 20 }, (_, i): [string, string, Decision] =>
    [`e${i}`, '12-01T11:00', byModel('12-02T13:00', { model: 'gpt-4.1-mini', promptVersion: 'v3' })],
  ),
];

async function insertLedger(pool: Pool): Promise<void> {
  for (const [id, createdAt, decision] of DOCUMENTS) {
    await pool.query(
      `INSERT INTO documents (id, content_hash, text, taxonomy, created_at) VALUES ($1, $2, $3, 'support', $4)`,
      [id, `hash-${id}`, `text of ${id}`, in2026(createdAt)],
    );
    if (!decision) continue;
    const human = decision.decidedBy === 'human';
    await pool.query(
      `INSERT INTO classifications (document_id, category, confidence, reasoning, decided_by, reviewer, unreviewed, model,
         prompt_version, taxonomy, workflow_id, run_id, decided_at, review_reason, suggested_category, suggested_confidence)
       VALUES ($1, $2, $3, 'because', $4, $5, $6, $7, $8, 'support', $9, 'run-1', $10, $11, $12, $13)`,
      [
        id,
        decision.category ?? 'billing',
        human ? 1 : 0.9,
        decision.decidedBy,
        human ? 'rita' : null,
        decision.unreviewed ?? false,
        decision.model ?? mini,
        decision.promptVersion ?? 'v1',
        `classify-${id}`,
        in2026(decision.decidedAt),
        decision.reason ?? null,
        decision.suggested ?? null,
        decision.suggested ? 0.4 : null,
      ],
    );
  }
  for (const c of CALLS) await insertLlmCall(pool, c);
}

const cost = (rows: CostRow[], key: string) => {
  const row = rows.find((r) => r.key === key);
  assert.ok(row, `no row ${key} in ${rows.map((r) => r.key).join(', ')}`);
  return row;
};

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`the cost and quality report on ${kind}`, () => {
    let db: TestDatabase;
    let pool: Pool;
    let november: Report;

    before(async () => {
      db = await startTestDatabase(kind);
      pool = createPool(db.url);
      await insertLedger(pool);
      november = await buildReport(pool, NOVEMBER);
    });
    after(async () => {
      await pool?.end();
      await db?.close();
    });

    it('states its window and clock and survives a JSON round trip', () => {
      assert.equal(november.generatedAt, '2026-12-05T09:00:00.000Z');
      assert.deepEqual(november.window, { since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' });
      assert.deepEqual(JSON.parse(JSON.stringify(november)), november);
    });

    it('counts documents created in the window: completed, open, and who decided', () => {
      assert.deepEqual(november.documents, {
        total: 16,
        completed: 13,
        open: 3,
        decidedBy: { model: 8, human: 4, unreviewed: 1 },
      });
      assert.deepEqual(november.calls, { total: 20, ok: 12, invalidOutput: 2, error: 6, unknownOutcome: 0 });
    });

    it('sums cost by model, prompt version and taxonomy, and counts unpriced calls apart', () => {
      const c = november.cost;
      near(c.totalUsd, 0.03462);
      assert.equal(c.calls, 20);
      assert.equal(c.pricedCalls, 18);
      assert.equal(c.unpricedCalls, 2);
      assert.deepEqual(c.unpricedModels, [EVIL_MODEL]);

      assert.deepEqual(
        c.byModel.map((r) => r.key),
        [big, mini, EVIL_MODEL],
      );
      near(cost(c.byModel, big).costUsd, 0.025);
      near(cost(c.byModel, mini).costUsd, 0.00962);
      assert.deepEqual(cost(c.byModel, EVIL_MODEL), {
        key: EVIL_MODEL,
        calls: 2,
        pricedCalls: 0,
        unpricedCalls: 2,
        costUsd: null,
        inputTokens: 1000,
        cachedTokens: 0,
        outputTokens: 40,
      });
      assert.deepEqual(
        c.byModel.map((r) => [r.calls, r.pricedCalls, r.inputTokens, r.cachedTokens, r.outputTokens]),
        [
          [7, 7, 3800, 1000, 400],
          [11, 11, 8200, 500, 1050],
          [2, 0, 1000, 0, 40],
        ],
      );

      assert.deepEqual(
        c.byPromptVersion.map((r) => [r.key, r.calls, r.unpricedCalls]),
        [
          ['v2', 9, 2],
          ['v1', 11, 0],
        ],
      );
      near(cost(c.byPromptVersion, 'v2').costUsd, 0.025);
      near(cost(c.byPromptVersion, 'v1').costUsd, 0.00962);
      assert.deepEqual(
        c.byTaxonomy.map((r) => [r.key, r.calls, r.unpricedCalls]),
        [
          ['legal', 7, 0],
          ['support', 13, 2],
        ],
      );
      near(cost(c.byTaxonomy, 'support').costUsd, 0.00962);

      assert.deepEqual(
        c.warnings.map((w) => w.code),
        ['unpriced_calls'],
      );
      assert.match(c.warnings[0]?.message ?? '', /2 of 20 calls have no price/);
    });

    it('sums cost per UTC day and fills the days of the window without calls', () => {
      const days = november.cost.byDay;
      assert.equal(days.length, 30);
      assert.equal(days[0]?.key, '2026-11-01');
      assert.equal(days[29]?.key, '2026-11-30');
      near(cost(days, '2026-11-01').costUsd, 0.007);
      assert.equal(cost(days, '2026-11-01').calls, 7);
      // 23:59:59 UTC on the 2nd stays on the 2nd; midnight on the 3rd belongs to the 3rd.
      near(cost(days, '2026-11-02').costUsd, 0.025);
      assert.equal(cost(days, '2026-11-02').calls, 7);
      near(cost(days, '2026-11-03').costUsd, 0.00262);
      assert.deepEqual([cost(days, '2026-11-03').calls, cost(days, '2026-11-03').unpricedCalls], [6, 2]);
      assert.deepEqual(cost(days, '2026-11-17'), {
        key: '2026-11-17',
        calls: 0,
        pricedCalls: 0,
        unpricedCalls: 0,
        costUsd: 0,
        inputTokens: 0,
        cachedTokens: 0,
        outputTokens: 0,
      });
    });

    it('sums tokens, computes the cached ratio and warns that short prompts are never cached', () => {
      const t = november.tokens;
      assert.equal(t.input, 13000);
      assert.equal(t.cached, 1500);
      assert.equal(t.output, 1490);
      near(t.cachedRatio, 1500 / 13000);
      near(t.medianInputTokensOk, 750);
      assert.deepEqual(
        t.warnings.map((w) => w.code),
        ['prompt_below_cache_minimum'],
      );
      assert.match(t.warnings[0]?.message ?? '', /750 tokens.*under 1024 tokens are never cached by OpenAI/);
    });

    it('computes latency percentiles in SQL and warns when p95 exceeds 3 × p50', () => {
      const l = november.latency;
      assert.equal(l.all.count, 20);
      near(l.all.p50, 750, 1e-6);
      near(l.all.p95, 25250, 1e-6);
      near(l.all.p99, 29050, 1e-6);
      assert.equal(l.ok.count, 12);
      near(l.ok.p50, 950, 1e-6);
      near(l.ok.p95, 1445, 1e-6);
      near(l.ok.p99, 1489, 1e-6);
      assert.deepEqual(
        l.warnings.map((w) => w.code),
        ['latency_tail'],
      );
      assert.match(l.warnings[0]?.message ?? '', /all calls p95 25250 ms vs p50 750 ms/);
      assert.doesNotMatch(l.warnings[0]?.message ?? '', /ok calls/);
    });

    it('counts finish reasons and warns above 5% length', () => {
      const f = november.finishReasons;
      assert.equal(f.total, 15);
      assert.deepEqual(
        f.rows.map((r) => [r.key, r.count]),
        [
          ['stop', 12],
          ['length', 2],
          ['content_filter', 1],
        ],
      );
      near(f.rows[0]?.share, 12 / 15);
      near(f.lengthShare, 2 / 15);
      assert.deepEqual(
        f.warnings.map((w) => w.code),
        ['finish_reason_length'],
      );
      assert.match(f.warnings[0]?.message ?? '', /13\.3% of answers/);
    });

    it('computes the parse-failure rate over answered calls and counts errors by class and type', () => {
      assert.deepEqual(november.parse, { answered: 15, failed: 3, rate: 0.2 });
      const e = november.errors;
      assert.equal(e.errorCalls, 6);
      near(e.errorRate, 0.3);
      assert.deepEqual(
        e.byClass.map((r) => [r.key, r.count, r.share]),
        [
          ['transient', 3, 0.15],
          ['input', 2, 0.1],
          ['output', 2, 0.1],
          ['operator', 1, 0.05],
        ],
      );
      assert.deepEqual(
        e.byType.map((r) => [r.key, r.errorClass, r.count]),
        [
          ['invalid_output', 'output', 2],
          ['DocketAuthentication', 'operator', 1],
          ['DocketContentFiltered', 'input', 1],
          ['DocketContextLengthExceeded', 'input', 1],
          ['DocketRateLimited', 'transient', 1],
          ['DocketServerError', 'transient', 1],
          ['DocketTimeout', 'transient', 1],
        ],
      );
    });

    it('reports the review rate, the review reasons and human agreement', () => {
      const r = november.review;
      assert.equal(r.classified, 13);
      assert.equal(r.decidedByModel, 8);
      assert.equal(r.decidedByHuman, 4);
      assert.equal(r.unreviewed, 1);
      near(r.reviewRate, 5 / 13);
      assert.deepEqual(
        r.byReason.map((row) => [row.key, row.count, row.share]),
        [
          ['low_confidence', 2, 0.5],
          ['input_too_long', 1, 0.25],
          ['invalid_output', 1, 0.25],
        ],
      );
      const a = r.agreement;
      assert.deepEqual([a.overall.decided, a.overall.agreed], [3, 2]);
      near(a.overall.rate, 2 / 3);
      assert.deepEqual(
        a.byCategory.map((row) => [row.key, row.decided, row.agreed]),
        [
          ['billing', 1, 1],
          ['bug', 1, 1],
          ['contract', 1, 0],
        ],
      );
      assert.deepEqual(
        a.byPromptVersion.map((row) => [row.key, row.decided, row.agreed]),
        [
          ['v1', 2, 2],
          ['v2', 1, 0],
        ],
      );
      assert.deepEqual(a.byModel.map((row) => [row.key, row.decided, row.agreed]).sort(), [
        [big, 1, 0],
        [mini, 2, 2],
      ]);
      assert.ok(r.notes.some((n) => /window end does not apply/.test(n)));
    });

    it('gathers every section warning in the top-level list, in section order', () => {
      assert.deepEqual(
        november.warnings.map((w) => w.code),
        ['unpriced_calls', 'prompt_below_cache_minimum', 'latency_tail', 'finish_reason_length'],
      );
      const sectionWarnings = [
        ...november.cost.warnings,
        ...november.tokens.warnings,
        ...november.latency.warnings,
        ...november.finishReasons.warnings,
      ];
      assert.deepEqual(november.warnings, sectionWarnings);
    });

    it('says when the simulator answered, and leaves out the warnings only a real provider can justify', async () => {
      const simulated = await buildReport(pool, { ...NOVEMBER, simulated: true });
      assert.equal(simulated.simulated, true);
      assert.deepEqual(
        simulated.warnings.map((w) => w.code),
        ['unpriced_calls', 'finish_reason_length'],
      );
      assert.deepEqual(simulated.cost, november.cost, 'the figures are the same');
      assert.match(
        formatReportText(simulated),
        /^Docket cost and quality report — SIMULATED\n.*\n! answered by Docket's simulator/,
      );
      assert.match(formatReportHtml(simulated), /report — simulated<\/h1><p class="simulated">/);
      assert.equal(november.simulated, undefined);
      assert.doesNotMatch(formatReportText(november), /SIMULATED|simulator/);
    });

    it('filters by since: later calls, documents, classifications and agreement only', async () => {
      const r = await buildReport(pool, { since: at('2026-11-02T00:00:00'), until: NOVEMBER.until, now: NOVEMBER.now });
      assert.equal(r.calls.total, 13);
      near(r.cost.totalUsd, 0.02762);
      assert.equal(r.cost.unpricedCalls, 2);
      assert.equal(r.cost.byDay[0]?.key, '2026-11-02');
      assert.deepEqual(r.documents, {
        total: 10,
        completed: 8,
        open: 2,
        decidedBy: { model: 4, human: 3, unreviewed: 1 },
      });
      assert.equal(r.review.classified, 8);
      assert.deepEqual([r.review.agreement.overall.decided, r.review.agreement.overall.agreed], [2, 1]);
    });

    it('warns about a stable prefix that is never cached when prompts are long enough', async () => {
      const r = await buildReport(pool, { since: at('2026-12-01T00:00:00'), now: at('2026-12-03T12:00:00') });
      assert.equal(r.calls.total, 20);
      near(r.cost.totalUsd, 0.014);
      assert.equal(r.tokens.cachedRatio, 0);
      near(r.tokens.medianInputTokensOk, 1500);
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        ['no_cached_tokens'],
      );
      near(r.latency.all.p50, 1095, 1e-6);
      near(r.latency.all.p95, 1180.5, 1e-6);
      // An open-ended window runs to the report's clock: the 3rd has no calls yet.
      assert.deepEqual(
        r.cost.byDay.map((d) => [d.key, d.calls]),
        [
          ['2026-12-01', 10],
          ['2026-12-02', 10],
          ['2026-12-03', 0],
        ],
      );
      assert.equal(r.review.agreement.overall.decided, 0);
      assert.equal(r.review.agreement.overall.rate, null);
      assert.equal(r.review.notes.length, 1);
    });

    it('covers the whole ledger without a window', async () => {
      const r = await buildReport(pool, { now: NOVEMBER.now });
      assert.deepEqual(r.window, { since: null, until: null });
      assert.equal(r.calls.total, 41);
      near(r.cost.totalUsd, 0.003 + 0.03462 + 0.014);
      assert.equal(r.documents.total, 37);
      assert.equal(r.cost.byDay[0]?.key, '2026-10-20');
      assert.equal(r.cost.byDay.at(-1)?.key, '2026-12-02');
      assert.equal(r.cost.byDay.length, 44);
      assert.deepEqual([r.review.agreement.overall.decided, r.review.agreement.overall.agreed], [4, 2]);
    });

    it('reports an empty window without failing and without inventing numbers', async () => {
      const r = await buildReport(pool, { since: at('2030-01-01T00:00:00'), now: at('2030-01-02T00:00:00') });
      assert.equal(r.calls.total, 0);
      assert.equal(r.cost.totalUsd, 0);
      assert.equal(r.tokens.cachedRatio, null);
      assert.deepEqual(r.latency.all, { count: 0, p50: null, p95: null, p99: null });
      assert.equal(r.parse.rate, null);
      assert.equal(r.review.reviewRate, null);
      assert.deepEqual(r.warnings, []);
      assert.deepEqual(
        r.cost.byDay.map((d) => d.key),
        ['2030-01-01', '2030-01-02'],
      );
      const html = formatReportHtml(r);
      assert.equal(html.match(/<svg\b/g)?.length, CHARTS.length);
      assert.match(formatReportText(r), /Cost {2}\$0\.00 for 0 priced calls/);
    });

    it('formats a terminal report with aligned tables, dollars, percentages and marked warnings', async () => {
      const text = formatReportText(november);
      if (kind === 'pglite') {
        await mkdir(ARTIFACTS, { recursive: true });
        await writeFile(join(ARTIFACTS, 'report.txt'), text);
      }
      assert.match(text, /^Docket cost and quality report$/m);
      assert.match(text, /^ {2}! 2 of 20 calls have no price .* \[unpriced_calls\]$/m);
      assert.match(text, /^ {2}! .* \[finish_reason_length\]$/m);
      assert.equal(text.match(/^ +! /gm)?.length, 2 * november.warnings.length);
      assert.match(text, /Cost {2}\$0\.0346 for 18 priced calls \+ 2 unpriced calls \(cost unknown\)/);
      assert.match(text, /cached 1,500 \(11\.5% of input\)/);
      assert.match(text, /\(27 days without calls not shown\)/);
      assert.match(text, /review rate 38\.5%/);
      assert.match(text, /human agreement with the model: 2 of 3 decisions · 66\.7%/);
      // The by-model table: a header, a rule, one row per model, every row as wide as the rule.
      const lines = text.split('\n');
      const start = lines.indexOf('  by model');
      const block = lines.slice(start + 1, start + 6);
      assert.match(block[0] ?? '', /^ {4}model +calls +unpriced +cost +input tok +cached tok +output tok$/);
      const width = (block[1] ?? '').length;
      assert.deepEqual(
        block.slice(2).map((l) => [l.trim().split(/ {2,}/)[0], l.length]),
        [
          [big, width],
          [mini, width],
          [EVIL_MODEL, width],
        ],
      );
      // One decimal count per column, so the figures line up.
      assert.match(block[2] ?? '', /\$0\.025000 /);
      assert.match(block[3] ?? '', /\$0\.009620 /);
      assert.match(block[4] ?? '', / 2 +unpriced /);
      assert.equal(formatUsd(0.000123), '$0.000123');
      assert.equal(formatUsd(0.0123), '$0.0123');
      assert.equal(formatUsd(12.3456), '$12.35');
      assert.equal(formatUsd(null), 'unpriced');
    });

    it('renders a self-contained HTML page with one SVG per chart and every string escaped', async () => {
      const html = formatReportHtml(november);
      assert.match(html, /^<!doctype html>/);
      assert.equal(html.match(/<svg\b/g)?.length, CHARTS.length);
      for (const chart of CHARTS) assert.ok(html.includes(`<svg data-chart="${chart}"`), chart);
      assert.ok(!html.includes('<script'), 'a model name must not become a script tag');
      assert.ok(html.includes('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;'));
      assert.doesNotMatch(html, /(https?:)?\/\/[a-z]/i, 'no external URLs');
      assert.doesNotMatch(html, /<link\b|<img\b|@import/);
      assert.equal(html.match(/class="callout"/g)?.length, november.warnings.length);
      if (kind === 'pglite') await renderToPng(html, join(ARTIFACTS, 'report.png'));
    });
  });
}

/** Renders the page in headless Chromium, so a person (and the test) can check it looks right. */
async function renderToPng(html: string, path: string): Promise<void> {
  const { chromium } = await import('playwright-core');
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(path.replace(/\.png$/, '.html'), html);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ path, fullPage: true });
    assert.deepEqual(requests, [], 'the page loads nothing');
  } finally {
    await browser.close();
  }
  assert.ok((await stat(path)).size > 10_000);
}

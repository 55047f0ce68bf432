import assert from 'node:assert/strict';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '../../src/db/pool.js';
import { formatReportHtml } from '../../src/reports/format-html.js';
import { formatReportText, formatUsd } from '../../src/reports/format-text.js';
import { buildReport, type CostRow, type Report } from '../../src/reports/report.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { at, big, EVIL_MODEL, insertLedger, mini, NOVEMBER } from './ledger.js';

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

/** Equal within `tolerance` (sums of floating-point dollars, interpolated percentiles). */
function near(actual: number | null | undefined, expected: number, tolerance = 1e-9): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `expected ${expected} (±${tolerance}), got ${actual}`,
  );
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

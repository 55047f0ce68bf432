import type { AgreementRow } from './agreement.js';
import type { CostRow, Percentiles, Report, ReportWarning, ShareRow } from './report.js';

/** Decimals a dollar amount needs: two from $10, four from one cent, six below. */
function usdDecimals(usd: number): number {
  const abs = Math.abs(usd);
  return abs === 0 || abs >= 10 ? 2 : abs >= 0.01 ? 4 : 6;
}

/**
 * Dollars with as many decimals as a small sum needs (see `usdDecimals`), or with `decimals` when given (a table
 * column aligns on one count). `null` (no priced call) reads `unpriced`, never `$0`.
 */
export function formatUsd(usd: number | null, decimals?: number): string {
  if (usd === null) return 'unpriced';
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (decimals === undefined && abs > 0 && abs < 0.0000005) return `${sign}<$0.000001`;
  const d = decimals ?? usdDecimals(usd);
  return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}`;
}

/** The decimals a column of dollar amounts needs so that every figure shows and they all align. */
export function usdColumnDecimals(values: Array<number | null>): number {
  return Math.max(2, ...values.map((v) => (v === null || v === 0 ? 2 : usdDecimals(v))));
}

/** A ratio as a percentage with one decimal; `n/a` when there was nothing to divide. */
export function formatPercent(rate: number | null): string {
  if (rate === null) return 'n/a';
  const pct = rate * 100;
  if (pct > 0 && pct < 0.1) return '<0.1%';
  return `${pct.toFixed(1)}%`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatMs(ms: number | null): string {
  return ms === null ? 'n/a' : `${formatCount(ms)} ms`;
}

type Align = 'left' | 'right';

/** An aligned table: the first column left-aligned, the others right-aligned unless told otherwise. */
function table(headers: string[], rows: string[][], indent = '  ', align?: Align[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const side = (i: number): Align => align?.[i] ?? (i === 0 ? 'left' : 'right');
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (side(i) === 'left' ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), indent + widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

const warningLines = (warnings: ReportWarning[], indent = '  ') =>
  warnings.map((w) => `${indent}! ${w.message} [${w.code}]`);

function costTable(title: string, rows: CostRow[]): string[] {
  if (rows.length === 0) return [];
  const decimals = usdColumnDecimals(rows.map((r) => r.costUsd));
  return [
    '',
    `  ${title}`,
    ...table(
      [title.replace(/^by /, ''), 'calls', 'unpriced', 'cost', 'input tok', 'cached tok', 'output tok'],
      rows.map((r) => [
        r.key,
        formatCount(r.calls),
        r.unpricedCalls > 0 ? formatCount(r.unpricedCalls) : '',
        formatUsd(r.costUsd, decimals),
        formatCount(r.inputTokens),
        formatCount(r.cachedTokens),
        formatCount(r.outputTokens),
      ]),
      '    ',
    ),
  ];
}

function shareTable(header: string, rows: ShareRow[], indent = '    '): string[] {
  return table(
    [header, 'count', 'share'],
    rows.map((r) => [r.key, formatCount(r.count), formatPercent(r.share)]),
    indent,
  );
}

function agreementTable(header: string, rows: AgreementRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    '',
    ...table(
      [header, 'decided', 'agreed', 'rate'],
      rows.map((r) => [r.key, formatCount(r.decided), formatCount(r.agreed), formatPercent(r.rate)]),
      '    ',
    ),
  ];
}

const percentileRow = (label: string, p: Percentiles) => [
  label,
  formatCount(p.count),
  formatMs(p.p50),
  formatMs(p.p95),
  formatMs(p.p99),
];

/** The report for a terminal: aligned tables, dollars, percentages, and warnings marked `!`. */
export function formatReportText(report: Report): string {
  const { documents, calls, cost, tokens, latency, finishReasons, parse, errors, review } = report;
  const out: string[] = [];
  const section = (title: string, summary = '') => out.push('', summary ? `${title}  ${summary}` : title);

  out.push(`Docket cost and quality report${report.simulated ? ' — SIMULATED' : ''}`);
  out.push(
    `window ${report.window.since ?? 'beginning'} → ${report.window.until ?? 'now'} · generated ${report.generatedAt}`,
  );
  if (report.simulated) {
    out.push("! answered by Docket's simulator, not a model: set OPENAI_API_KEY for real results");
  }
  if (report.warnings.length > 0) {
    section(`Warnings (${report.warnings.length})`);
    out.push(...warningLines(report.warnings));
  }

  section('Documents', `${formatCount(documents.total)} created in the window`);
  out.push(
    `  completed ${formatCount(documents.completed)} · open ${formatCount(documents.open)}` +
      ` · decided by model ${formatCount(documents.decidedBy.model)}, human ${formatCount(documents.decidedBy.human)},` +
      ` unreviewed ${formatCount(documents.decidedBy.unreviewed)}`,
  );

  section('Calls', `${formatCount(calls.total)} in the window`);
  out.push(
    `  ok ${formatCount(calls.ok)} · invalid output ${formatCount(calls.invalidOutput)} · error ${formatCount(calls.error)}`,
  );
  if (calls.unknownOutcome > 0) {
    out.push(`  calls with unknown outcome ${formatCount(calls.unknownOutcome)} (still \`started\` in the ledger)`);
  }

  section(
    'Cost',
    `${formatUsd(cost.totalUsd)} for ${formatCount(cost.pricedCalls)} priced calls` +
      (cost.unpricedCalls > 0 ? ` + ${formatCount(cost.unpricedCalls)} unpriced calls (cost unknown)` : ''),
  );
  out.push(...warningLines(cost.warnings));
  out.push(...costTable('by model', cost.byModel));
  out.push(...costTable('by prompt version', cost.byPromptVersion));
  out.push(...costTable('by taxonomy', cost.byTaxonomy));
  const days = cost.byDay.filter((d) => d.calls > 0);
  out.push(...costTable('by day (UTC)', days));
  const quietDays = cost.byDay.length - days.length;
  if (quietDays > 0)
    out.push(`    (${formatCount(quietDays)} day${quietDays === 1 ? '' : 's'} without calls not shown)`);

  section('Tokens');
  out.push(
    `  input ${formatCount(tokens.input)} · cached ${formatCount(tokens.cached)}` +
      (tokens.cachedRatio === null ? '' : ` (${formatPercent(tokens.cachedRatio)} of input)`) +
      ` · output ${formatCount(tokens.output)}`,
    `  median prompt of ok calls ` +
      (tokens.medianInputTokensOk === null ? 'n/a' : `${formatCount(tokens.medianInputTokensOk)} tokens`),
  );
  out.push(...warningLines(tokens.warnings));

  section('Latency');
  out.push(
    ...table(
      ['', 'calls', 'p50', 'p95', 'p99'],
      [percentileRow('all calls', latency.all), percentileRow('ok calls', latency.ok)],
    ),
  );
  out.push(...warningLines(latency.warnings));

  section('Finish reasons', `${formatCount(finishReasons.total)} answers`);
  if (finishReasons.rows.length > 0) out.push(...shareTable('finish_reason', finishReasons.rows, '  '));
  out.push(...warningLines(finishReasons.warnings));

  section(
    'Parse failures',
    `${formatCount(parse.failed)} of ${formatCount(parse.answered)} answered calls (HTTP 200) · ${formatPercent(parse.rate)}`,
  );

  section('Errors', `${formatCount(errors.errorCalls)} failed calls · ${formatPercent(errors.errorRate)} of all calls`);
  if (errors.byClass.length > 0)
    out.push('', '  by class (share of all calls)', ...shareTable('class', errors.byClass));
  if (errors.byType.length > 0) {
    out.push(
      '',
      '  by type',
      ...table(
        ['type', 'class', 'count', 'share'],
        errors.byType.map((r) => [r.key, r.errorClass, formatCount(r.count), formatPercent(r.share)]),
        '    ',
        ['left', 'left', 'right', 'right'],
      ),
    );
  }

  section('Review', `${formatCount(review.classified)} classified in the window`);
  out.push(
    `  decided by model ${formatCount(review.decidedByModel)} · human ${formatCount(review.decidedByHuman)}` +
      ` · unreviewed ${formatCount(review.unreviewed)} · review rate ${formatPercent(review.reviewRate)}`,
  );
  if (review.byReason.length > 0)
    out.push('', '  human decisions by review reason', ...shareTable('reason', review.byReason));
  const overall = review.agreement.overall;
  out.push(
    '',
    `  human agreement with the model: ${formatCount(overall.agreed)} of ${formatCount(overall.decided)} decisions` +
      ` · ${formatPercent(overall.rate)}`,
  );
  out.push(...agreementTable('suggested category', review.agreement.byCategory));
  out.push(...agreementTable('prompt version', review.agreement.byPromptVersion));
  out.push(...agreementTable('model', review.agreement.byModel));
  if (review.notes.length > 0) out.push('', ...review.notes.map((n) => `  note: ${n}`));

  const { provider } = report;
  if (provider) {
    section('Provider', `outage breaker ${provider.breaker}`);
    out.push(
      `  ${provider.breaker === 'open' ? `open since ${provider.openedAt} · next probe ${provider.nextProbeAt}` : `last closed ${provider.closedAt ?? 'never'}`}` +
        ` · failures in a row ${formatCount(provider.consecutiveFailures)} · last success ${provider.lastSuccessAt ?? 'none'}`,
      `  calls failed during an outage in the window ${formatCount(provider.outageCalls)}`,
    );
    if (provider.holdUntil) out.push(`  no call before ${provider.holdUntil} (the provider's Retry-After)`);
    if (provider.rateLimitStorm) {
      out.push(
        `  ${provider.rateLimitStorm.alert ? '! rate-limit storm' : 'rate limited'} since ${provider.rateLimitStorm.since}, no success since`,
      );
    }
  }

  return `${out.join('\n')}\n`;
}

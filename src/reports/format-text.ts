import type { AgreementRow } from './agreement.js';
import { accuracyText, calibrationText, reviewersText } from './format/accuracy-text.js';
import {
  agreementColumns,
  costColumns,
  errorTypeColumns,
  modeColumns,
  shareColumns,
  type Column,
} from './format/columns.js';
import { formatCount, formatCountOf, formatMs, formatPercent, formatUsd } from './format/figures.js';
import { textHeading as heading, textTable } from './format/text-table.js';
import type { Report } from './report-schema.js';
import type { CostRow } from './sections/cost.js';
import type { Percentiles } from './sections/latency.js';
import type { ShareRow } from './sections/shares.js';
import type { ReportWarning } from './warnings.js';

// The CLI writes its dollars as the report does.
export { formatUsd } from './format/figures.js';

const warningLines = (warnings: ReportWarning[], indent = '  ') =>
  warnings.map((w) => `${indent}! ${w.message} [${w.code}]`);

function costTable(title: string, rows: CostRow[]): string[] {
  if (rows.length === 0) return [];
  return ['', `  ${title}`, ...textTable(costColumns(title.replace(/^by /, ''), rows, 'text'), rows, '    ')];
}

const shareTable = (header: string, rows: ShareRow[], indent = '    ') => textTable(shareColumns(header), rows, indent);

function agreementTable(header: string, rows: AgreementRow[]): string[] {
  return rows.length === 0 ? [] : ['', ...textTable(agreementColumns(header), rows, '    ')];
}

const percentileColumns: Column<[string, Percentiles]>[] = [
  { header: '', cell: ([label]) => label },
  { header: 'calls', cell: ([, p]) => formatCount(p.count), numeric: true },
  ...(['p50', 'p95', 'p99'] as const).map((k) => ({
    header: k,
    cell: ([, p]: [string, Percentiles]) => formatMs(p[k]),
    numeric: true,
  })),
];

function titleLines(report: Report): string[] {
  return [
    `Docket cost and quality report${report.simulated ? ' — SIMULATED' : ''}`,
    `window ${report.window.since ?? 'beginning'} → ${report.window.until ?? 'now'} · generated ${report.generatedAt}`,
    ...(report.simulated ? ["! answered by Docket's simulator, not a model: set OPENAI_API_KEY for real results"] : []),
  ];
}

function warningsText({ warnings }: Report): string[] {
  return warnings.length === 0 ? [] : [...heading(`Warnings (${warnings.length})`), ...warningLines(warnings)];
}

function documentsText({ documents: d }: Report): string[] {
  return [
    ...heading('Documents', `${formatCount(d.total)} created in the window`),
    `  completed ${formatCount(d.completed)} · open ${formatCount(d.open)}` +
      ` · decided by model ${formatCount(d.decidedBy.model)}, human ${formatCount(d.decidedBy.human)},` +
      ` unreviewed ${formatCount(d.decidedBy.unreviewed)}`,
  ];
}

function callsText({ calls }: Report): string[] {
  return [
    ...heading('Calls', `${formatCount(calls.total)} in the window`),
    `  ok ${formatCount(calls.ok)} · invalid output ${formatCount(calls.invalidOutput)} · error ${formatCount(calls.error)}`,
    ...(calls.unknownOutcome > 0
      ? [`  calls with unknown outcome ${formatCount(calls.unknownOutcome)} (still \`started\` in the ledger)`]
      : []),
  ];
}

function costText({ cost }: Report): string[] {
  const days = cost.byDay.filter((d) => d.calls > 0);
  const quietDays = cost.byDay.length - days.length;
  return [
    ...heading(
      'Cost',
      `${formatUsd(cost.totalUsd)} for ${formatCount(cost.pricedCalls)} priced calls` +
        (cost.unpricedCalls > 0 ? ` + ${formatCount(cost.unpricedCalls)} unpriced calls (cost unknown)` : ''),
    ),
    ...warningLines(cost.warnings),
    ...costTable('by model', cost.byModel),
    ...costTable('by prompt version', cost.byPromptVersion),
    ...costTable('by taxonomy', cost.byTaxonomy),
    ...costTable('by day (UTC)', days),
    ...(quietDays > 0 ? [`    (${formatCountOf(quietDays, 'day')} without calls not shown)`] : []),
  ];
}

/** Present with Batch API calls: what each mode cost, what the discount saved, and how long answers took. */
function modesText({ modes }: Report): string[] {
  if (!modes) return [];
  return [
    ...heading('Modes', `${formatUsd(modes.savedUsd)} saved by the Batch API`),
    ...textTable(modeColumns, modes.byMode, '    '),
  ];
}

function tokensText({ tokens }: Report): string[] {
  return [
    ...heading('Tokens'),
    `  input ${formatCount(tokens.input)} · cached ${formatCount(tokens.cached)}` +
      (tokens.cachedRatio === null ? '' : ` (${formatPercent(tokens.cachedRatio)} of input)`) +
      ` · output ${formatCount(tokens.output)}`,
    `  median prompt of ok calls ` +
      (tokens.medianInputTokensOk === null ? 'n/a' : `${formatCount(tokens.medianInputTokensOk)} tokens`),
    ...warningLines(tokens.warnings),
  ];
}

function latencyText({ latency }: Report): string[] {
  const rows: Array<[string, Percentiles]> = [
    ['all calls', latency.all],
    ['ok calls', latency.ok],
  ];
  return [...heading('Latency'), ...textTable(percentileColumns, rows), ...warningLines(latency.warnings)];
}

function finishReasonsText({ finishReasons: f }: Report): string[] {
  return [
    ...heading('Finish reasons', `${formatCount(f.total)} answers`),
    ...(f.rows.length > 0 ? shareTable('finish_reason', f.rows, '  ') : []),
    ...warningLines(f.warnings),
  ];
}

function parseText({ parse }: Report): string[] {
  return heading(
    'Parse failures',
    `${formatCount(parse.failed)} of ${formatCount(parse.answered)} answered calls (HTTP 200) · ${formatPercent(parse.rate)}`,
  );
}

function errorsText({ errors }: Report): string[] {
  return [
    ...heading(
      'Errors',
      `${formatCount(errors.errorCalls)} failed calls · ${formatPercent(errors.errorRate)} of all calls`,
    ),
    ...(errors.byClass.length > 0
      ? ['', '  by class (share of all calls)', ...shareTable('class', errors.byClass)]
      : []),
    ...(errors.byType.length > 0 ? ['', '  by type', ...textTable(errorTypeColumns, errors.byType, '    ')] : []),
  ];
}

function reviewText({ review }: Report): string[] {
  const { overall } = review.agreement;
  return [
    ...heading('Review', `${formatCount(review.classified)} classified in the window`),
    `  decided by model ${formatCount(review.decidedByModel)} · human ${formatCount(review.decidedByHuman)}` +
      ` · unreviewed ${formatCount(review.unreviewed)} · review rate ${formatPercent(review.reviewRate)}`,
    ...(review.byReason.length > 0
      ? ['', '  human decisions by review reason', ...shareTable('reason', review.byReason)]
      : []),
    '',
    `  human agreement with the model: ${formatCount(overall.agreed)} of ${formatCount(overall.decided)} decisions` +
      ` · ${formatPercent(overall.rate)}`,
    ...agreementTable('suggested category', review.agreement.byCategory),
    ...agreementTable('prompt version', review.agreement.byPromptVersion),
    ...agreementTable('model', review.agreement.byModel),
    ...(review.notes.length > 0 ? ['', ...review.notes.map((n) => `  note: ${n}`)] : []),
  ];
}

function providerText({ provider }: Report): string[] {
  if (!provider) return [];
  const breaker =
    provider.breaker === 'open'
      ? `open since ${provider.openedAt} · next probe ${provider.nextProbeAt}`
      : `last closed ${provider.closedAt ?? 'never'}`;
  const storm = provider.rateLimitStorm;
  return [
    ...heading('Provider', `outage breaker ${provider.breaker}`),
    `  ${breaker} · failures in a row ${formatCount(provider.consecutiveFailures)}` +
      ` · last success ${provider.lastSuccessAt ?? 'none'}`,
    `  calls failed during an outage in the window ${formatCount(provider.outageCalls)}`,
    ...(provider.holdUntil ? [`  no call before ${provider.holdUntil} (the provider's Retry-After)`] : []),
    ...(storm
      ? [`  ${storm.alert ? '! rate-limit storm' : 'rate limited'} since ${storm.since}, no success since`]
      : []),
  ];
}

/** The sections of the terminal report, in order. */
const SECTIONS = [
  titleLines,
  warningsText,
  documentsText,
  callsText,
  costText,
  modesText,
  tokensText,
  latencyText,
  finishReasonsText,
  parseText,
  errorsText,
  reviewText,
  accuracyText,
  calibrationText,
  reviewersText,
  providerText,
];

/** The report for a terminal: aligned tables, dollars, percentages, and warnings marked `!`. */
export function formatReportText(report: Report): string {
  return `${SECTIONS.flatMap((section) => section(report)).join('\n')}\n`;
}

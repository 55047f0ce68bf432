import { escapeHtml as esc } from '../format/escape-html.js';
import { formatCount, formatPercent, formatUsd } from '../format/figures.js';
import type { Report } from '../report-schema.js';
import { LENGTH_SHARE_LIMIT } from '../sections/finish-reasons.js';
import { LATENCY_TAIL_FACTOR } from '../sections/latency.js';
import { CACHE_MIN_PROMPT_TOKENS } from '../sections/tokens.js';
import { REPORT_WARNING, type ReportWarningCode } from '../warnings.js';
import {
  cacheGauge,
  costByModelChart,
  costPerDayChart,
  errorsByClassChart,
  errorsByTypeChart,
  finishReasonChart,
  latencyChart,
} from './charts.js';

// The cards of the page's grid, each holding a chart and the figures beside it.

function card(title: string, subtitle: string, body: string, wide = false): string {
  return `<section class="card${wide ? ' wide' : ''}"><h2>${esc(title)}</h2>${subtitle ? `<p class="subtitle">${esc(subtitle)}</p>` : ''}${body}</section>`;
}

/** A list of figures: each term is the page's own words (HTML), each value is escaped, `warn` marks it. */
function stats(entries: Array<[string, string, boolean?]>): string {
  const entry = ([term, value, warn]: [string, string, boolean?]) =>
    `<dt>${term}</dt><dd${warn ? ' class="warn"' : ''}>${esc(value)}</dd>`;
  return `<dl class="stats">${entries.map(entry).join('')}</dl>`;
}

function cacheCard(report: Report): string {
  const { tokens } = report;
  const figures = stats([
    ['input', formatCount(tokens.input)],
    ['cached', formatCount(tokens.cached)],
    ['output', formatCount(tokens.output)],
    ['median prompt (ok)', tokens.medianInputTokensOk === null ? 'n/a' : formatCount(tokens.medianInputTokensOk)],
  ]);
  const gauge = `<div class="gauge-wrap">${cacheGauge(report)}${figures}</div>`;
  return card(
    'Prompt cache',
    `OpenAI caches prompt prefixes of ${formatCount(CACHE_MIN_PROMPT_TOKENS)} tokens or more`,
    gauge,
  );
}

function finishAndParseCard(report: Report, warned: (code: ReportWarningCode) => boolean): string {
  const { finishReasons, parse } = report;
  const parseFigures = stats([
    ['answers (HTTP 200)', formatCount(parse.answered)],
    ['failed validation', formatCount(parse.failed)],
    ['parse-failure rate', formatPercent(parse.rate)],
    [
      `"length" share (limit ${esc(formatPercent(LENGTH_SHARE_LIMIT))})`,
      formatPercent(finishReasons.lengthShare),
      warned(REPORT_WARNING.finishReasonLength),
    ],
  ]);
  return card(
    'finish_reason and parse failures',
    `${formatCount(finishReasons.total)} answers · warning above ${formatPercent(LENGTH_SHARE_LIMIT)} "length"`,
    `${finishReasonChart(report)}<h4>Parse failures</h4>${parseFigures}`,
  );
}

/** The grid of chart cards: cost, cache, latency, finish reasons and parse failures, errors. */
export function chartCards(report: Report): string {
  const { cost, errors } = report;
  const warned = (code: ReportWarningCode) => report.warnings.some((w) => w.code === code);
  const unpricedMarker = cost.unpricedCalls > 0 ? ' · ▼ marks days with unpriced calls' : '';
  return [
    card(
      'Cost per day',
      `UTC days · ${formatUsd(cost.totalUsd)} in total${unpricedMarker}`,
      costPerDayChart(cost.byDay),
      true,
    ),
    card('Cost by model', 'priced calls; unpriced calls are flagged, never counted as $0', costByModelChart(report)),
    cacheCard(report),
    card(
      'Latency percentiles',
      `milliseconds · warning when p95 exceeds ${LATENCY_TAIL_FACTOR}× p50${warned(REPORT_WARNING.latencyTail) ? ' (it does)' : ''}`,
      latencyChart(report),
    ),
    finishAndParseCard(report, warned),
    card(
      'Errors by class',
      `${formatCount(errors.errorCalls)} failed calls (${formatPercent(errors.errorRate)}) · share of all calls`,
      errorsByClassChart(report),
    ),
    card('Errors by type', 'coloured by class', errorsByTypeChart(report)),
  ].join('');
}

import { escapeHtml as esc } from '../format/escape-html.js';
import { formatCount, formatMs, formatPercent, formatUsd } from '../format/figures.js';
import type { Report } from '../report-schema.js';

// The top of the page: the warnings, then the key figures.

/** The warnings as call-outs, or a banner saying there are none. */
export function warningCallouts({ warnings }: Report): string {
  if (warnings.length === 0) return `<div class="ok-banner">No warnings for this window.</div>`;
  const callouts = warnings.map(
    (w) =>
      `<div class="callout" role="alert"><span class="bang">!</span><div><code>${esc(w.code)}</code><p>${esc(w.message)}</p></div></div>`,
  );
  return `<section class="callouts" aria-label="Warnings">${callouts.join('')}</section>`;
}

/** A key figure's tile; `warn` when its section has a warning. */
interface Tile {
  label: string;
  value: string;
  detail: string;
  warn?: boolean;
}

const TILES: Array<(report: Report) => Tile> = [
  ({ cost }) => ({
    label: 'Total cost',
    value: formatUsd(cost.totalUsd),
    detail:
      cost.unpricedCalls > 0
        ? `+ ${formatCount(cost.unpricedCalls)} unpriced calls (unknown)`
        : `${formatCount(cost.pricedCalls)} priced calls`,
    warn: cost.unpricedCalls > 0,
  }),
  ({ calls }) => ({
    label: 'LLM calls',
    value: formatCount(calls.total),
    detail: `${formatCount(calls.ok)} ok · ${formatCount(calls.invalidOutput)} invalid · ${formatCount(calls.error)} error`,
  }),
  ({ documents }) => ({
    label: 'Documents',
    value: formatCount(documents.total),
    detail: `${formatCount(documents.completed)} completed · ${formatCount(documents.open)} open`,
  }),
  ({ tokens }) => ({
    label: 'Cached input',
    value: formatPercent(tokens.cachedRatio),
    detail: `${formatCount(tokens.cached)} of ${formatCount(tokens.input)} tokens`,
    warn: tokens.warnings.length > 0,
  }),
  ({ latency: { all, warnings } }) => ({
    label: 'Latency p95',
    value: formatMs(all.p95),
    detail: `p50 ${formatMs(all.p50)} · p99 ${formatMs(all.p99)}`,
    warn: warnings.length > 0,
  }),
  ({ parse }) => ({
    label: 'Parse failures',
    value: formatPercent(parse.rate),
    detail: `${formatCount(parse.failed)} of ${formatCount(parse.answered)} answers`,
  }),
  ({ review }) => ({
    label: 'Review rate',
    value: formatPercent(review.reviewRate),
    detail: `${formatCount(review.decidedByHuman + review.unreviewed)} of ${formatCount(review.classified)} classified`,
  }),
  ({ review: { agreement } }) => ({
    label: 'Human agreement',
    value: formatPercent(agreement.overall.rate),
    detail: `${formatCount(agreement.overall.agreed)} of ${formatCount(agreement.overall.decided)} decisions`,
  }),
];

function tile({ label, value, detail, warn }: Tile): string {
  return `<div class="kpi${warn ? ' warn' : ''}"><div class="kpi-label">${esc(label)}</div><div class="kpi-value">${esc(value)}</div><div class="kpi-detail">${esc(detail)}</div></div>`;
}

/** Eight key figures, one tile each. */
export function keyFigures(report: Report): string {
  return TILES.map((figure) => tile(figure(report))).join('');
}

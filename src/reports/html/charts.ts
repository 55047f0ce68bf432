import { escapeHtml as esc } from '../format/escape-html.js';
import { formatCount, formatCountOf, formatMs, formatPercent, formatUsd } from '../format/figures.js';
import type { Report } from '../report-schema.js';
import type { CostRow } from '../sections/cost.js';
import { LENGTH_SHARE_LIMIT } from '../sections/finish-reasons.js';
import { LATENCY_TAIL_FACTOR, type Percentiles } from '../sections/latency.js';
import type { ShareRow } from '../sections/shares.js';
import { CLASS_COLORS, COLOR, FINISH_COLORS, colorFor } from './palette.js';
import { axis, emptyChart, fmt, gridLines, horizontalBars, svgChart, type Bar } from './svg.js';

// The page's charts, one function each, drawn as inline SVG from the report's figures.

/** A plotting area inside its margins, with a y scale from 0 to `max`. */
interface Plot {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  plotW: number;
  plotH: number;
  y: (v: number) => number;
}

function plot(width: number, height: number, margin: Plot['margin'], max: number): Plot {
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  return { width, height, margin, plotW, plotH, y: (v) => margin.top + plotH - (v / max) * plotH };
}

/** Vertical bars of cost per UTC day, with a y axis in dollars and a marker on days with unpriced calls. */
export function costPerDayChart(days: CostRow[]): string {
  const label = 'Cost per day (UTC)';
  if (days.every((d) => d.calls === 0)) return emptyChart('cost-per-day', label, 'no calls in the window', 1080, 120);
  const { max, ticks } = axis(Math.max(...days.map((d) => d.costUsd ?? 0)));
  const p = plot(1080, 260, { top: 18, right: 12, bottom: 34, left: 76 }, max);
  const step = ticks[1] ?? max;
  const decimals = step >= 1 ? 0 : Math.max(2, Math.ceil(-Math.log10(step) - 1e-9));
  const parts = gridLines(ticks, p.y, [p.margin.left, p.width - p.margin.right], (v) => formatUsd(v, decimals));
  const columns = { slot: p.plotW / days.length, labelEvery: Math.ceil(days.length / 16) };
  days.forEach((d, i) => parts.push(...dayColumn(d, i, p, columns)));
  return svgChart('cost-per-day', label, [p.width, p.height], parts.join(''));
}

/** One day of the cost chart: its bar (or a hover target), the unpriced marker, and every few days its date. */
function dayColumn(d: CostRow, i: number, p: Plot, { slot, labelEvery }: { slot: number; labelEvery: number }) {
  const barW = Math.max(2, Math.min(44, slot * 0.68));
  const cx = p.margin.left + slot * (i + 0.5);
  const top = p.y(d.costUsd ?? 0);
  const h = p.margin.top + p.plotH - top;
  const unpriced = d.unpricedCalls > 0 ? ` · ${formatCount(d.unpricedCalls)} unpriced` : '';
  const parts = [
    `<g><title>${esc(`${d.key}: ${formatUsd(d.costUsd)} · ${formatCount(d.calls)} calls${unpriced}`)}</title>`,
  ];
  parts.push(
    h > 0
      ? `<rect x="${fmt(cx - barW / 2)}" y="${fmt(top)}" width="${fmt(barW)}" height="${fmt(Math.max(h, 1.5))}" rx="3" fill="${COLOR.primary}"/>`
      : `<rect x="${fmt(cx - barW / 2)}" y="${fmt(p.margin.top)}" width="${fmt(barW)}" height="${fmt(p.plotH)}" fill="transparent"/>`,
  );
  if (d.unpricedCalls > 0) {
    const ty = top - 8;
    parts.push(
      `<path d="M${fmt(cx - 5)} ${fmt(ty)} L${fmt(cx + 5)} ${fmt(ty)} L${fmt(cx)} ${fmt(ty + 7)} Z" fill="${COLOR.warn}"/>`,
    );
  }
  parts.push('</g>');
  if (i % labelEvery === 0) {
    parts.push(
      `<text x="${fmt(cx)}" y="${p.height - p.margin.bottom + 18}" text-anchor="middle" class="axis">${esc(d.key.slice(5))}</text>`,
    );
  }
  return parts;
}

const PERCENTILE_KEYS = ['p50', 'p95', 'p99'] as const;

interface LatencySeries {
  name: string;
  p: Percentiles;
  color: string;
}

/** p50, p95 and p99 of all calls and of ok calls as grouped bars, with the 3 × p50 tail threshold dashed. */
export function latencyChart({ latency: { all, ok } }: Report): string {
  const label = 'Latency percentiles';
  if (all.count === 0) return emptyChart('latency', label, 'no calls in the window');
  const threshold = all.p50 !== null ? all.p50 * LATENCY_TAIL_FACTOR : null;
  const { max, ticks } = axis(Math.max(...PERCENTILE_KEYS.flatMap((k) => [all[k] ?? 0, ok[k] ?? 0]), threshold ?? 0));
  const p = plot(520, 250, { top: 34, right: 74, bottom: 30, left: 70 }, max);
  const series: LatencySeries[] = [
    { name: 'all calls', p: all, color: COLOR.primary },
    { name: 'ok calls', p: ok, color: COLOR.primaryLight },
  ];
  const parts = gridLines(ticks, p.y, [p.margin.left, p.width - p.margin.right], formatMs);
  PERCENTILE_KEYS.forEach((k, gi) => parts.push(...percentileGroup(k, gi, series, p)));
  if (threshold !== null && threshold <= max) parts.push(...tailThreshold(threshold, p));
  return svgChart('latency', label, [p.width, p.height], latencyLegend(series, p) + parts.join(''));
}

/** One percentile's bars, a bar per series, and its name beneath. */
function percentileGroup(k: (typeof PERCENTILE_KEYS)[number], gi: number, series: LatencySeries[], p: Plot): string[] {
  const group = p.plotW / PERCENTILE_KEYS.length;
  const barW = Math.min(48, group * 0.3);
  const gx = p.margin.left + group * (gi + 0.5);
  const bars = series.flatMap((s, si) => {
    const v = s.p[k];
    if (v === null) return [];
    const x = gx + (si === 0 ? -barW - 3 : 3);
    return [
      `<g><title>${esc(`${s.name} ${k}: ${formatMs(v)}`)}</title>` +
        `<rect x="${fmt(x)}" y="${fmt(p.y(v))}" width="${fmt(barW)}" height="${fmt(Math.max(p.margin.top + p.plotH - p.y(v), 1.5))}" rx="3" fill="${s.color}"/>` +
        `<text x="${fmt(x + barW / 2)}" y="${fmt(p.y(v) - 6)}" text-anchor="middle" class="tiny">${esc(formatCount(v))}</text></g>`,
    ];
  });
  const name = `<text x="${fmt(gx)}" y="${p.height - p.margin.bottom + 18}" text-anchor="middle" class="axis strong">${k}</text>`;
  return [...bars, name];
}

function tailThreshold(threshold: number, p: Plot): string[] {
  const y = fmt(p.y(threshold));
  return [
    `<line x1="${p.margin.left}" x2="${p.width - p.margin.right}" y1="${y}" y2="${y}" stroke="${COLOR.warn}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${p.width - p.margin.right + 6}" y="${y}" dominant-baseline="middle" class="tiny warn">${LATENCY_TAIL_FACTOR}× p50</text>`,
  ];
}

function latencyLegend(series: LatencySeries[], p: Plot): string {
  return series
    .map((s, i) => {
      const x = p.margin.left + i * 110;
      return (
        `<rect x="${x}" y="6" width="12" height="12" rx="3" fill="${s.color}"/>` +
        `<text x="${x + 18}" y="12" dominant-baseline="middle" class="axis">${esc(`${s.name} (${formatCount(s.p.count)})`)}</text>`
      );
    })
    .join('');
}

const FINISH = { width: 520, barY: 8, barH: 26, lineH: 24 };
const FINISH_LEGEND_TOP = FINISH.barY + FINISH.barH + 22;

/** One stacked bar of the finish_reason shares, with a legend of counts and percentages beneath. */
export function finishReasonChart({ finishReasons: { rows, total } }: Report): string {
  const label = 'finish_reason distribution';
  if (total === 0) return emptyChart('finish-reasons', label, 'no answers in the window');
  const { width, barY, barH } = FINISH;
  const parts: string[] = [
    `<rect x="0" y="${barY}" width="${width}" height="${barH}" rx="6" fill="${COLOR.track}"/>`,
    `<clipPath id="finish-clip"><rect x="0" y="${barY}" width="${width}" height="${barH}" rx="6"/></clipPath>`,
  ];
  const segments: string[] = [];
  let x = 0;
  rows.forEach((r, i) => {
    const w = (r.share ?? 0) * width;
    const color = colorFor(FINISH_COLORS, r.key, i);
    segments.push(
      `<rect x="${fmt(x)}" y="${barY}" width="${fmt(w)}" height="${barH}" fill="${esc(color)}"><title>${esc(`${r.key}: ${formatCount(r.count)} (${formatPercent(r.share)})`)}</title></rect>`,
    );
    x += w;
    parts.push(finishLegendLine(r, i, color));
  });
  parts.push(`<g clip-path="url(#finish-clip)">${segments.join('')}</g>`);
  return svgChart('finish-reasons', label, [width, FINISH_LEGEND_TOP + rows.length * FINISH.lineH], parts.join(''));
}

/** A finish reason's swatch, name, count and share; `length` over the limit in the warning colour. */
function finishLegendLine(r: ShareRow, i: number, color: string): string {
  const ly = FINISH_LEGEND_TOP + i * FINISH.lineH;
  const over = r.key === 'length' && (r.share ?? 0) > LENGTH_SHARE_LIMIT;
  return (
    `<rect x="0" y="${ly - 6}" width="12" height="12" rx="3" fill="${esc(color)}"/>` +
    `<text x="20" y="${ly}" dominant-baseline="middle" class="label${over ? ' warn' : ''}">${esc(r.key)}${over ? ' !' : ''}</text>` +
    `<text x="${FINISH.width - 70}" y="${ly}" text-anchor="end" dominant-baseline="middle" class="value">${esc(formatCount(r.count))}</text>` +
    `<text x="${FINISH.width}" y="${ly}" text-anchor="end" dominant-baseline="middle" class="value${over ? ' warn' : ''}">${esc(formatPercent(r.share))}</text>`
  );
}

const GAUGE = { width: 240, height: 150, cx: 120, cy: 118, r: 92 };

/** The point of the gauge's arc at fraction `f` of the way round. */
function gaugePoint(f: number): string {
  const angle = Math.PI * (1 - f);
  return `${fmt(GAUGE.cx + GAUGE.r * Math.cos(angle))} ${fmt(GAUGE.cy - GAUGE.r * Math.sin(angle))}`;
}

/** A half-circle gauge of the cached share of input tokens. */
export function cacheGauge({ tokens: { cachedRatio: ratio } }: Report): string {
  const { cx, cy, r } = GAUGE;
  const f = Math.min(1, Math.max(0, ratio ?? 0));
  const color = ratio === null ? COLOR.muted : ratio === 0 ? COLOR.warn : ratio >= 0.3 ? COLOR.good : COLOR.primary;
  const arc = (to: number, stroke: string) =>
    `<path d="M ${gaugePoint(0)} A ${r} ${r} 0 0 1 ${gaugePoint(to)}" fill="none" stroke="${stroke}" stroke-width="18" stroke-linecap="round"/>`;
  const body =
    arc(1, COLOR.track) +
    (f > 0 ? arc(f, color) : '') +
    `<text x="${cx}" y="${cy - 20}" text-anchor="middle" class="big" style="fill:${color}">${esc(formatPercent(ratio))}</text>` +
    `<text x="${cx}" y="${cy + 4}" text-anchor="middle" class="axis">cached of input tokens</text>` +
    `<text x="${fmt(cx - r)}" y="${cy + 26}" text-anchor="middle" class="tiny">0%</text>` +
    `<text x="${fmt(cx + r)}" y="${cy + 26}" text-anchor="middle" class="tiny">100%</text>`;
  return svgChart('cache-gauge', 'Cached share of input tokens', [GAUGE.width, GAUGE.height], body, 'chart gauge');
}

/** The priced cost of each model as bars; a model's unpriced calls flagged after its value. */
export function costByModelChart({ cost }: Report): string {
  const bars: Bar[] = cost.byModel.map((r) => ({
    label: r.key,
    value: r.costUsd ?? 0,
    display: r.costUsd === null ? '' : formatUsd(r.costUsd),
    color: COLOR.primary,
    title: `${r.key}: ${formatUsd(r.costUsd)} · ${formatCount(r.calls)} calls`,
    ...(r.unpricedCalls > 0
      ? { flag: `${r.costUsd === null ? '' : '+ '}${formatCountOf(r.unpricedCalls, 'unpriced call')}` }
      : {}),
  }));
  return horizontalBars('cost-by-model', 'Cost by model', bars, 'no calls in the window');
}

const shareBars = (rows: ShareRow[], color: (row: ShareRow, i: number) => string): Bar[] =>
  rows.map((r, i) => ({
    label: r.key,
    value: r.count,
    display: `${formatCount(r.count)} · ${formatPercent(r.share)}`,
    color: color(r, i),
  }));

/** Failed calls of each error class as coloured bars. */
export function errorsByClassChart({ errors }: Report): string {
  const bars = shareBars(errors.byClass, (r, i) => colorFor(CLASS_COLORS, r.key, i));
  return horizontalBars('errors-by-class', 'Errors by class', bars, 'no errors in the window');
}

/** Failed calls of each error type as bars coloured by their class. */
export function errorsByTypeChart({ errors }: Report): string {
  const bars = shareBars(errors.byType, (r, i) => colorFor(CLASS_COLORS, errors.byType[i]?.errorClass ?? r.key, i));
  return horizontalBars('errors-by-type', 'Errors by type', bars, 'no errors in the window');
}

import type { AgreementRow } from './agreement.js';
import { formatCount, formatMs, formatPercent, formatUsd, usdColumnDecimals } from './format-text.js';
import { LATENCY_TAIL_FACTOR, LENGTH_SHARE_LIMIT, type CostRow, type Report, type ShareRow } from './report.js';

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const esc = escapeHtml;

const COLOR = {
  primary: '#4f46e5',
  primaryLight: '#a5b4fc',
  warn: '#d97706',
  bad: '#dc2626',
  good: '#059669',
  grid: '#e2e8f0',
  muted: '#64748b',
  track: '#eef2f7',
} as const;

const FINISH_COLORS: Record<string, string> = {
  stop: COLOR.good,
  length: COLOR.warn,
  content_filter: COLOR.bad,
  tool_calls: COLOR.primary,
  function_call: COLOR.primaryLight,
};
const CLASS_COLORS: Record<string, string> = {
  transient: '#f59e0b',
  operator: COLOR.bad,
  input: '#8b5cf6',
  output: '#0ea5e9',
  low_confidence: COLOR.muted,
};
const FALLBACK_COLORS = ['#0ea5e9', '#8b5cf6', '#f43f5e', '#14b8a6', '#94a3b8', '#eab308'];
const colorFor = (palette: Record<string, string>, key: string, index: number) =>
  palette[key] ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length] ?? COLOR.muted;

/** A y axis for values up to `max`: a round step (1, 2 or 5 times a power of ten) and the ticks it gives. */
function axis(max: number): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const count = Math.max(1, Math.ceil(max / step - 1e-9));
  return { max: step * count, ticks: Array.from({ length: count + 1 }, (_, i) => step * i) };
}

/** Longer bar labels are cut (the full text is in the tooltip). */
const LABEL_CHARS = 28;
const fmt = (n: number) => Number(n.toFixed(2)).toString();
const truncate = (s: string, chars: number) => (s.length <= chars ? s : `${s.slice(0, chars - 1)}…`);

function emptyChart(name: string, label: string, message: string, width = 520, height = 80): string {
  return (
    `<svg data-chart="${esc(name)}" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" class="chart">` +
    `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" dominant-baseline="middle" class="empty">${esc(message)}</text></svg>`
  );
}

interface Bar {
  label: string;
  value: number;
  display: string;
  color: string;
  title?: string;
  /** Shown in the warning colour after the value (for example unpriced calls). */
  flag?: string;
}

/** Horizontal bars with the label on the left and the value after the bar. */
function horizontalBars(name: string, label: string, bars: Bar[], empty: string): string {
  if (bars.length === 0) return emptyChart(name, label, empty);
  const width = 520;
  const rowHeight = 30;
  const labelChars = Math.min(LABEL_CHARS, Math.max(...bars.map((b) => b.label.length)));
  const labelWidth = Math.max(70, Math.ceil(labelChars * 7.2) + 16);
  const valueWidth = Math.min(
    170,
    Math.max(70, Math.max(...bars.map((b) => (b.display + (b.flag ?? '')).length)) * 6.6 + 24),
  );
  const barSpace = width - labelWidth - valueWidth;
  const max = Math.max(...bars.map((b) => b.value), 0);
  const height = bars.length * rowHeight + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowHeight;
    const w = max > 0 ? (b.value / max) * barSpace : 0;
    return (
      `<g><title>${esc(b.title ?? `${b.label}: ${b.display}`)}</title>` +
      `<text x="${labelWidth - 10}" y="${y + rowHeight / 2}" text-anchor="end" dominant-baseline="middle" class="label">${esc(truncate(b.label, LABEL_CHARS))}</text>` +
      `<rect x="${labelWidth}" y="${y + 5}" width="${fmt(barSpace)}" height="${rowHeight - 10}" rx="4" fill="${COLOR.track}"/>` +
      (w > 0
        ? `<rect x="${labelWidth}" y="${y + 5}" width="${fmt(Math.max(w, 3))}" height="${rowHeight - 10}" rx="4" fill="${esc(b.color)}"/>`
        : '') +
      `<text x="${fmt(labelWidth + barSpace + 10)}" y="${y + rowHeight / 2}" dominant-baseline="middle" class="value">${esc(b.display)}` +
      (b.flag ? `<tspan class="flag"${b.display ? ' dx="6"' : ''}>${esc(b.flag)}</tspan>` : '') +
      `</text></g>`
    );
  });
  return `<svg data-chart="${esc(name)}" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" class="chart">${rows.join('')}</svg>`;
}

/** Horizontal grid lines with their labels on the left; the baseline solid, the others dashed. */
function gridLines(
  ticks: number[],
  y: (v: number) => number,
  left: number,
  right: number,
  label: (v: number) => string,
) {
  return ticks.flatMap((v, i) => [
    `<line x1="${left}" x2="${right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="${COLOR.grid}"${i === 0 ? '' : ' stroke-dasharray="3 4"'}/>`,
    `<text x="${left - 8}" y="${fmt(y(v))}" text-anchor="end" dominant-baseline="middle" class="axis">${esc(label(v))}</text>`,
  ]);
}

/** Vertical bars of cost per UTC day, with a y axis in dollars and a marker on days with unpriced calls. */
function costPerDayChart(days: CostRow[]): string {
  const label = 'Cost per day (UTC)';
  if (days.every((d) => d.calls === 0)) return emptyChart('cost-per-day', label, 'no calls in the window', 1080, 120);
  const width = 1080;
  const height = 260;
  const m = { top: 18, right: 12, bottom: 34, left: 76 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const { max, ticks } = axis(Math.max(...days.map((d) => d.costUsd ?? 0)));
  const y = (v: number) => m.top + plotH - (v / max) * plotH;
  const slot = plotW / days.length;
  const barW = Math.max(2, Math.min(44, slot * 0.68));
  const labelEvery = Math.ceil(days.length / 16);
  const step = ticks[1] ?? max;
  const decimals = step >= 1 ? 0 : Math.max(2, Math.ceil(-Math.log10(step) - 1e-9));
  const parts = gridLines(ticks, y, m.left, width - m.right, (v) => formatUsd(v, decimals));
  days.forEach((d, i) => {
    const cx = m.left + slot * (i + 0.5);
    const value = d.costUsd ?? 0;
    const top = y(value);
    const h = m.top + plotH - top;
    const title = `${d.key}: ${formatUsd(d.costUsd)} · ${formatCount(d.calls)} calls${d.unpricedCalls > 0 ? ` · ${formatCount(d.unpricedCalls)} unpriced` : ''}`;
    parts.push(`<g><title>${esc(title)}</title>`);
    if (h > 0) {
      parts.push(
        `<rect x="${fmt(cx - barW / 2)}" y="${fmt(top)}" width="${fmt(barW)}" height="${fmt(Math.max(h, 1.5))}" rx="3" fill="${COLOR.primary}"/>`,
      );
    } else {
      parts.push(
        `<rect x="${fmt(cx - barW / 2)}" y="${fmt(m.top)}" width="${fmt(barW)}" height="${fmt(plotH)}" fill="transparent"/>`,
      );
    }
    if (d.unpricedCalls > 0) {
      const ty = top - 8;
      parts.push(
        `<path d="M${fmt(cx - 5)} ${fmt(ty)} L${fmt(cx + 5)} ${fmt(ty)} L${fmt(cx)} ${fmt(ty + 7)} Z" fill="${COLOR.warn}"/>`,
      );
    }
    parts.push('</g>');
    if (i % labelEvery === 0) {
      parts.push(
        `<text x="${fmt(cx)}" y="${height - m.bottom + 18}" text-anchor="middle" class="axis">${esc(d.key.slice(5))}</text>`,
      );
    }
  });
  return `<svg data-chart="cost-per-day" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" class="chart">${parts.join('')}</svg>`;
}

/** p50, p95 and p99 of all calls and of ok calls as grouped bars, with the 3 × p50 tail threshold dashed. */
function latencyChart(report: Report): string {
  const { all, ok } = report.latency;
  const label = 'Latency percentiles';
  if (all.count === 0) return emptyChart('latency', label, 'no calls in the window');
  const width = 520;
  const height = 250;
  const m = { top: 34, right: 74, bottom: 30, left: 70 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const keys = ['p50', 'p95', 'p99'] as const;
  const threshold = all.p50 !== null ? all.p50 * LATENCY_TAIL_FACTOR : null;
  const { max, ticks } = axis(Math.max(...keys.flatMap((k) => [all[k] ?? 0, ok[k] ?? 0]), threshold ?? 0));
  const y = (v: number) => m.top + plotH - (v / max) * plotH;
  const parts = gridLines(ticks, y, m.left, width - m.right, formatMs);
  const series = [
    { name: 'all calls', p: all, color: COLOR.primary },
    { name: 'ok calls', p: ok, color: COLOR.primaryLight },
  ];
  const group = plotW / keys.length;
  const barW = Math.min(48, group * 0.3);
  keys.forEach((k, gi) => {
    const gx = m.left + group * (gi + 0.5);
    series.forEach((s, si) => {
      const v = s.p[k];
      if (v === null) return;
      const x = gx + (si === 0 ? -barW - 3 : 3);
      parts.push(
        `<g><title>${esc(`${s.name} ${k}: ${formatMs(v)}`)}</title>` +
          `<rect x="${fmt(x)}" y="${fmt(y(v))}" width="${fmt(barW)}" height="${fmt(Math.max(m.top + plotH - y(v), 1.5))}" rx="3" fill="${s.color}"/>` +
          `<text x="${fmt(x + barW / 2)}" y="${fmt(y(v) - 6)}" text-anchor="middle" class="tiny">${esc(formatCount(v))}</text></g>`,
      );
    });
    parts.push(
      `<text x="${fmt(gx)}" y="${height - m.bottom + 18}" text-anchor="middle" class="axis strong">${k}</text>`,
    );
  });
  if (threshold !== null && threshold <= max) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${fmt(y(threshold))}" y2="${fmt(y(threshold))}" stroke="${COLOR.warn}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${width - m.right + 6}" y="${fmt(y(threshold))}" dominant-baseline="middle" class="tiny warn">${LATENCY_TAIL_FACTOR}× p50</text>`,
    );
  }
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${m.left + i * 110}" y="6" width="12" height="12" rx="3" fill="${s.color}"/>` +
        `<text x="${m.left + i * 110 + 18}" y="12" dominant-baseline="middle" class="axis">${esc(`${s.name} (${formatCount(s.p.count)})`)}</text>`,
    )
    .join('');
  return `<svg data-chart="latency" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" class="chart">${legend}${parts.join('')}</svg>`;
}

/** One stacked bar of the finish_reason shares, with a legend of counts and percentages beneath. */
function finishReasonChart(report: Report): string {
  const { rows, total } = report.finishReasons;
  const label = 'finish_reason distribution';
  if (total === 0) return emptyChart('finish-reasons', label, 'no answers in the window');
  const width = 520;
  const barY = 8;
  const barH = 26;
  const legendTop = barY + barH + 22;
  const lineH = 24;
  const height = legendTop + rows.length * lineH;
  const parts: string[] = [`<rect x="0" y="${barY}" width="${width}" height="${barH}" rx="6" fill="${COLOR.track}"/>`];
  parts.push(
    `<clipPath id="finish-clip"><rect x="0" y="${barY}" width="${width}" height="${barH}" rx="6"/></clipPath>`,
  );
  let x = 0;
  const segments: string[] = [];
  rows.forEach((r, i) => {
    const w = (r.share ?? 0) * width;
    const color = colorFor(FINISH_COLORS, r.key, i);
    segments.push(
      `<rect x="${fmt(x)}" y="${barY}" width="${fmt(w)}" height="${barH}" fill="${esc(color)}"><title>${esc(`${r.key}: ${formatCount(r.count)} (${formatPercent(r.share)})`)}</title></rect>`,
    );
    x += w;
    const ly = legendTop + i * lineH;
    const over = r.key === 'length' && (r.share ?? 0) > LENGTH_SHARE_LIMIT;
    parts.push(
      `<rect x="0" y="${ly - 6}" width="12" height="12" rx="3" fill="${esc(color)}"/>` +
        `<text x="20" y="${ly}" dominant-baseline="middle" class="label${over ? ' warn' : ''}">${esc(r.key)}${over ? ' !' : ''}</text>` +
        `<text x="${width - 70}" y="${ly}" text-anchor="end" dominant-baseline="middle" class="value">${esc(formatCount(r.count))}</text>` +
        `<text x="${width}" y="${ly}" text-anchor="end" dominant-baseline="middle" class="value${over ? ' warn' : ''}">${esc(formatPercent(r.share))}</text>`,
    );
  });
  parts.push(`<g clip-path="url(#finish-clip)">${segments.join('')}</g>`);
  return `<svg data-chart="finish-reasons" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" class="chart">${parts.join('')}</svg>`;
}

/** A half-circle gauge of the cached share of input tokens. */
function cacheGauge(report: Report): string {
  const ratio = report.tokens.cachedRatio;
  const width = 240;
  const height = 150;
  const cx = width / 2;
  const cy = 118;
  const r = 92;
  const point = (f: number) => {
    const angle = Math.PI * (1 - f);
    return `${fmt(cx + r * Math.cos(angle))} ${fmt(cy - r * Math.sin(angle))}`;
  };
  const f = Math.min(1, Math.max(0, ratio ?? 0));
  const color = ratio === null ? COLOR.muted : ratio === 0 ? COLOR.warn : ratio >= 0.3 ? COLOR.good : COLOR.primary;
  const arc = (to: number, stroke: string) =>
    `<path d="M ${point(0)} A ${r} ${r} 0 0 1 ${point(to)}" fill="none" stroke="${stroke}" stroke-width="18" stroke-linecap="round"/>`;
  return (
    `<svg data-chart="cache-gauge" role="img" aria-label="Cached share of input tokens" viewBox="0 0 ${width} ${height}" class="chart gauge">` +
    arc(1, COLOR.track) +
    (f > 0 ? arc(f, color) : '') +
    `<text x="${cx}" y="${cy - 20}" text-anchor="middle" class="big" style="fill:${color}">${esc(formatPercent(ratio))}</text>` +
    `<text x="${cx}" y="${cy + 4}" text-anchor="middle" class="axis">cached of input tokens</text>` +
    `<text x="${fmt(cx - r)}" y="${cy + 26}" text-anchor="middle" class="tiny">0%</text>` +
    `<text x="${fmt(cx + r)}" y="${cy + 26}" text-anchor="middle" class="tiny">100%</text>` +
    `</svg>`
  );
}

const shareBars = (rows: ShareRow[], color: (row: ShareRow, i: number) => string): Bar[] =>
  rows.map((r, i) => ({
    label: r.key,
    value: r.count,
    display: `${formatCount(r.count)} · ${formatPercent(r.share)}`,
    color: color(r, i),
  }));

function costByModelChart(report: Report): string {
  const bars: Bar[] = report.cost.byModel.map((r) => ({
    label: r.key,
    value: r.costUsd ?? 0,
    display: r.costUsd === null ? '' : formatUsd(r.costUsd),
    color: COLOR.primary,
    title: `${r.key}: ${formatUsd(r.costUsd)} · ${formatCount(r.calls)} calls`,
    ...(r.unpricedCalls > 0
      ? {
          flag: `${r.costUsd === null ? '' : '+ '}${formatCount(r.unpricedCalls)} unpriced call${r.unpricedCalls === 1 ? '' : 's'}`,
        }
      : {}),
  }));
  return horizontalBars('cost-by-model', 'Cost by model', bars, 'no calls in the window');
}

/** `2026-11-01 00:00 UTC` from an ISO instant. */
const instant = (iso: string | null) => (iso === null ? null : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);

interface Column<T> {
  header: string;
  cell: (row: T) => string;
  numeric?: boolean;
  className?: (row: T) => string;
}

function htmlTable<T>(caption: string, columns: Column<T>[], rows: T[], empty = 'nothing in the window'): string {
  const head = columns.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${esc(c.header)}</th>`).join('');
  const body =
    rows.length === 0
      ? `<tr><td colspan="${columns.length}" class="none">${esc(empty)}</td></tr>`
      : rows
          .map(
            (row) =>
              `<tr>${columns
                .map((c) => {
                  const classes = [c.numeric ? 'num' : '', c.className?.(row) ?? ''].filter(Boolean).join(' ');
                  return `<td${classes ? ` class="${classes}"` : ''}>${esc(c.cell(row))}</td>`;
                })
                .join('')}</tr>`,
          )
          .join('');
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function costColumns(keyHeader: string, rows: CostRow[]): Column<CostRow>[] {
  const decimals = usdColumnDecimals(rows.map((r) => r.costUsd));
  return [
    { header: keyHeader, cell: (r) => r.key },
    { header: 'calls', cell: (r) => formatCount(r.calls), numeric: true },
    {
      header: 'unpriced',
      cell: (r) => (r.unpricedCalls > 0 ? formatCount(r.unpricedCalls) : '–'),
      numeric: true,
      className: (r) => (r.unpricedCalls > 0 ? 'warn' : 'dim'),
    },
    {
      header: 'cost',
      cell: (r) => formatUsd(r.costUsd, decimals),
      numeric: true,
      className: (r) => (r.costUsd === null ? 'warn' : ''),
    },
    { header: 'input tokens', cell: (r) => formatCount(r.inputTokens), numeric: true },
    { header: 'cached', cell: (r) => formatCount(r.cachedTokens), numeric: true },
    { header: 'output tokens', cell: (r) => formatCount(r.outputTokens), numeric: true },
  ];
}

const shareColumns = (keyHeader: string): Column<ShareRow>[] => [
  { header: keyHeader, cell: (r) => r.key },
  { header: 'count', cell: (r) => formatCount(r.count), numeric: true },
  { header: 'share', cell: (r) => formatPercent(r.share), numeric: true },
];

const agreementColumns = (keyHeader: string): Column<AgreementRow>[] => [
  { header: keyHeader, cell: (r) => r.key },
  { header: 'decided', cell: (r) => formatCount(r.decided), numeric: true },
  { header: 'agreed', cell: (r) => formatCount(r.agreed), numeric: true },
  { header: 'rate', cell: (r) => formatPercent(r.rate), numeric: true },
];

function kpi(label: string, value: string, detail: string, tone: '' | 'warn' = ''): string {
  return `<div class="kpi${tone ? ` ${tone}` : ''}"><div class="kpi-label">${esc(label)}</div><div class="kpi-value">${esc(value)}</div><div class="kpi-detail">${esc(detail)}</div></div>`;
}

function card(title: string, subtitle: string, body: string, wide = false): string {
  return `<section class="card${wide ? ' wide' : ''}"><h2>${esc(title)}</h2>${subtitle ? `<p class="subtitle">${esc(subtitle)}</p>` : ''}${body}</section>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f6fb;color:#0f172a;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:1180px;margin:0 auto;padding:32px 28px 56px}
header{display:flex;align-items:baseline;justify-content:space-between;flex-wrap:wrap;gap:8px;margin-bottom:20px}
h1{font-size:24px;margin:0;letter-spacing:-.01em}
h1 span{color:${COLOR.primary}}
.meta{color:${COLOR.muted};font-size:13px}
h2{font-size:15px;margin:0 0 2px}
h3{font-size:14px;margin:28px 0 10px;color:#334155;text-transform:uppercase;letter-spacing:.06em;font-weight:600}
.subtitle{margin:0 0 14px;color:${COLOR.muted};font-size:12.5px}
.callouts{display:grid;gap:10px;margin-bottom:20px}
.callout{display:flex;gap:12px;align-items:flex-start;background:#fffbeb;border:1px solid #fde68a;border-left:4px solid ${COLOR.warn};border-radius:10px;padding:12px 16px}
.callout .bang{flex:none;width:22px;height:22px;border-radius:50%;background:${COLOR.warn};color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;font-size:13px}
.callout code{font-size:11.5px;color:#92400e;background:#fef3c7;padding:1px 6px;border-radius:4px}
.callout p{margin:2px 0 0;color:#78350f}
.ok-banner{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;border-radius:10px;padding:10px 16px;margin-bottom:20px}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:16px}
.kpi{background:#fff;border:1px solid #e5e9f2;border-radius:12px;padding:14px 16px;box-shadow:0 1px 2px rgba(15,23,42,.04)}
.kpi-label{color:${COLOR.muted};font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.kpi-value{font-size:24px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
.kpi-detail{color:${COLOR.muted};font-size:12.5px}
.kpi.warn{border-color:#fcd34d;background:#fffdf5}
.kpi.warn .kpi-value{color:#b45309}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.card{background:#fff;border:1px solid #e5e9f2;border-radius:12px;padding:18px 20px;box-shadow:0 1px 2px rgba(15,23,42,.04);min-width:0}
.card.wide{grid-column:1/-1}
.gauge-wrap{display:flex;align-items:center;gap:20px}
.gauge-wrap .gauge{width:240px;flex:none}
.stats{display:grid;grid-template-columns:auto auto;gap:4px 16px;font-variant-numeric:tabular-nums;margin:0}
.stats dt{color:${COLOR.muted}}
.stats dd{margin:0;text-align:right;font-weight:600}
.stats dd.warn{color:#b45309}
h4{font-size:12px;margin:22px 0 8px;color:${COLOR.muted};text-transform:uppercase;letter-spacing:.05em;font-weight:600}
.card>.stats{max-width:360px}
svg.chart{display:block;width:100%;height:auto}
svg.gauge{width:240px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px;fill:#334155}
svg .axis{fill:${COLOR.muted};font-size:11px}
svg .axis.strong{fill:#334155;font-weight:600;font-size:12px}
svg .tiny{fill:${COLOR.muted};font-size:10.5px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .label{fill:#1e293b}
svg .value{fill:#334155;font-variant-numeric:tabular-nums}
svg .flag,svg .warn{fill:#b45309;font-weight:600}
svg .empty{fill:#94a3b8;font-style:italic}
svg .big{font-size:30px;font-weight:700}
.tables{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.tables .wide{grid-column:1/-1}
.tables>*{align-self:start;min-width:0;overflow-x:auto}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e5e9f2;border-radius:12px;overflow:hidden;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:0 0 8px;color:#1e293b}
th{background:#f8fafc;color:${COLOR.muted};font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em;text-align:left;padding:8px 12px;border-bottom:1px solid #e5e9f2}
td{padding:7px 12px;border-bottom:1px solid #f1f5f9;word-break:break-word}
tr:last-child td{border-bottom:0}
tbody tr:nth-child(even) td{background:#fbfcfe}
.num{text-align:right;white-space:nowrap}
td.warn{color:#b45309;font-weight:600}
td.dim{color:#cbd5e1}
td.none{color:#94a3b8;font-style:italic;text-align:center}
.notes{color:${COLOR.muted};font-size:12.5px;margin:10px 0 0;padding-left:18px}
@media (max-width:860px){.kpis{grid-template-columns:repeat(2,1fr)}.grid,.tables{grid-template-columns:1fr}}
`;

/** One self-contained HTML page: warnings first, key figures, inline SVG charts, then the tables. */
export function formatReportHtml(report: Report): string {
  const { documents, calls, cost, tokens, latency, finishReasons, parse, errors, review } = report;
  const warned = (code: string) => report.warnings.some((w) => w.code === code);

  const callouts =
    report.warnings.length > 0
      ? `<section class="callouts" aria-label="Warnings">${report.warnings
          .map(
            (w) =>
              `<div class="callout" role="alert"><span class="bang">!</span><div><code>${esc(w.code)}</code><p>${esc(w.message)}</p></div></div>`,
          )
          .join('')}</section>`
      : `<div class="ok-banner">No warnings for this window.</div>`;

  const kpis = [
    kpi(
      'Total cost',
      formatUsd(cost.totalUsd),
      cost.unpricedCalls > 0
        ? `+ ${formatCount(cost.unpricedCalls)} unpriced calls (unknown)`
        : `${formatCount(cost.pricedCalls)} priced calls`,
      cost.unpricedCalls > 0 ? 'warn' : '',
    ),
    kpi(
      'LLM calls',
      formatCount(calls.total),
      `${formatCount(calls.ok)} ok · ${formatCount(calls.invalidOutput)} invalid · ${formatCount(calls.error)} error`,
    ),
    kpi(
      'Documents',
      formatCount(documents.total),
      `${formatCount(documents.completed)} completed · ${formatCount(documents.open)} open`,
    ),
    kpi(
      'Cached input',
      formatPercent(tokens.cachedRatio),
      `${formatCount(tokens.cached)} of ${formatCount(tokens.input)} tokens`,
      tokens.warnings.length > 0 ? 'warn' : '',
    ),
    kpi(
      'Latency p95',
      formatMs(latency.all.p95),
      `p50 ${formatMs(latency.all.p50)} · p99 ${formatMs(latency.all.p99)}`,
      latency.warnings.length > 0 ? 'warn' : '',
    ),
    kpi(
      'Parse failures',
      formatPercent(parse.rate),
      `${formatCount(parse.failed)} of ${formatCount(parse.answered)} answers`,
    ),
    kpi(
      'Review rate',
      formatPercent(review.reviewRate),
      `${formatCount(review.decidedByHuman + review.unreviewed)} of ${formatCount(review.classified)} classified`,
    ),
    kpi(
      'Human agreement',
      formatPercent(review.agreement.overall.rate),
      `${formatCount(review.agreement.overall.agreed)} of ${formatCount(review.agreement.overall.decided)} decisions`,
    ),
  ].join('');

  const gauge =
    `<div class="gauge-wrap">${cacheGauge(report)}<dl class="stats">` +
    `<dt>input</dt><dd>${esc(formatCount(tokens.input))}</dd>` +
    `<dt>cached</dt><dd>${esc(formatCount(tokens.cached))}</dd>` +
    `<dt>output</dt><dd>${esc(formatCount(tokens.output))}</dd>` +
    `<dt>median prompt (ok)</dt><dd>${esc(tokens.medianInputTokensOk === null ? 'n/a' : formatCount(tokens.medianInputTokensOk))}</dd>` +
    `</dl></div>`;

  const charts = [
    card(
      'Cost per day',
      `UTC days · ${formatUsd(cost.totalUsd)} in total${cost.unpricedCalls > 0 ? ' · ▼ marks days with unpriced calls' : ''}`,
      costPerDayChart(cost.byDay),
      true,
    ),
    card('Cost by model', 'priced calls; unpriced calls are flagged, never counted as $0', costByModelChart(report)),
    card('Prompt cache', `OpenAI caches prompt prefixes of 1,024 tokens or more`, gauge),
    card(
      'Latency percentiles',
      `milliseconds · warning when p95 exceeds ${LATENCY_TAIL_FACTOR}× p50${warned('latency_tail') ? ' (it does)' : ''}`,
      latencyChart(report),
    ),
    card(
      'finish_reason and parse failures',
      `${formatCount(finishReasons.total)} answers · warning above ${formatPercent(LENGTH_SHARE_LIMIT)} "length"`,
      finishReasonChart(report) +
        `<h4>Parse failures</h4><dl class="stats">` +
        `<dt>answers (HTTP 200)</dt><dd>${esc(formatCount(parse.answered))}</dd>` +
        `<dt>failed validation</dt><dd>${esc(formatCount(parse.failed))}</dd>` +
        `<dt>parse-failure rate</dt><dd>${esc(formatPercent(parse.rate))}</dd>` +
        `<dt>"length" share (limit ${esc(formatPercent(LENGTH_SHARE_LIMIT))})</dt>` +
        `<dd${warned('finish_reason_length') ? ' class="warn"' : ''}>${esc(formatPercent(finishReasons.lengthShare))}</dd></dl>`,
    ),
    card(
      'Errors by class',
      `${formatCount(errors.errorCalls)} failed calls (${formatPercent(errors.errorRate)}) · share of all calls`,
      horizontalBars(
        'errors-by-class',
        'Errors by class',
        shareBars(errors.byClass, (r, i) => colorFor(CLASS_COLORS, r.key, i)),
        'no errors in the window',
      ),
    ),
    card(
      'Errors by type',
      'coloured by class',
      horizontalBars(
        'errors-by-type',
        'Errors by type',
        shareBars(errors.byType, (r, i) => colorFor(CLASS_COLORS, errors.byType[i]?.errorClass ?? r.key, i)),
        'no errors in the window',
      ),
    ),
  ].join('');

  const daysWithCalls = cost.byDay.filter((d) => d.calls > 0);
  const tables = [
    `<div class="wide">${htmlTable('Cost by model', costColumns('model', cost.byModel), cost.byModel)}</div>`,
    `<div class="wide">${htmlTable('Cost by prompt version', costColumns('prompt version', cost.byPromptVersion), cost.byPromptVersion)}</div>`,
    `<div class="wide">${htmlTable('Cost by taxonomy', costColumns('taxonomy', cost.byTaxonomy), cost.byTaxonomy)}</div>`,
    `<div class="wide">${htmlTable('Cost by day (UTC), days with calls', costColumns('day', daysWithCalls), daysWithCalls)}</div>`,
    htmlTable('finish_reason', shareColumns('finish_reason'), finishReasons.rows),
    htmlTable<ShareRow & { errorClass: string }>(
      'Errors by type',
      [
        { header: 'type', cell: (r) => r.key },
        { header: 'class', cell: (r) => r.errorClass },
        { header: 'count', cell: (r) => formatCount(r.count), numeric: true },
        { header: 'share', cell: (r) => formatPercent(r.share), numeric: true },
      ],
      errors.byType,
    ),
  ].join('');

  const reviewTables = [
    htmlTable<{ key: string; value: string }>(
      'Decisions',
      [
        { header: 'decided by', cell: (r) => r.key },
        { header: 'classifications', cell: (r) => r.value, numeric: true },
      ],
      [
        { key: 'model', value: formatCount(review.decidedByModel) },
        { key: 'human', value: formatCount(review.decidedByHuman) },
        { key: 'unreviewed (accepted after the review deadline)', value: formatCount(review.unreviewed) },
        { key: `review rate`, value: formatPercent(review.reviewRate) },
      ],
    ),
    htmlTable('Human decisions by review reason', shareColumns('reason'), review.byReason),
    htmlTable('Agreement by suggested category', agreementColumns('category'), review.agreement.byCategory),
    htmlTable('Agreement by prompt version', agreementColumns('prompt version'), review.agreement.byPromptVersion),
    htmlTable('Agreement by model', agreementColumns('model'), review.agreement.byModel),
  ].join('');

  const window = `${instant(report.window.since) ?? 'beginning of the ledger'} → ${instant(report.window.until) ?? 'now'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Docket report · ${esc(window)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1><span>Docket</span> cost &amp; quality report${report.simulated ? ' — simulated' : ''}</h1>${report.simulated ? `<p class="simulated">Answered by Docket's simulator, not a model: set OPENAI_API_KEY for real results.</p>` : ''}<div class="meta">${esc(window)} · generated ${esc(instant(report.generatedAt) ?? '')}</div></header>
${callouts}
<section class="kpis">${kpis}</section>
<div class="grid">${charts}</div>
<h3>Cost and calls</h3>
<div class="tables">${tables}</div>
<h3>Review</h3>
<div class="tables">${reviewTables}</div>
${review.notes.length > 0 ? `<ul class="notes">${review.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</main>
</body>
</html>
`;
}

import { escapeHtml as esc } from '../format/escape-html.js';
import { COLOR } from './palette.js';

// The building blocks of the page's inline SVG charts.

/** A coordinate with at most two decimals and no trailing zeros. */
export const fmt = (n: number): string => Number(n.toFixed(2)).toString();

/** Longer bar labels are cut (the full text is in the tooltip). */
const LABEL_CHARS = 28;
const truncate = (s: string, chars: number) => (s.length <= chars ? s : `${s.slice(0, chars - 1)}…`);

/** The `<svg>` element of a chart: its name for tests and tools, an accessible label, and its size. */
export function svgChart(
  name: string,
  label: string,
  [width, height]: [number, number],
  body: string,
  className = 'chart',
): string {
  return `<svg data-chart="${esc(name)}" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" class="${className}">${body}</svg>`;
}

/** A chart with nothing to draw: the message in its middle. */
export function emptyChart(name: string, label: string, message: string, width = 520, height = 80): string {
  const text = `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" dominant-baseline="middle" class="empty">${esc(message)}</text>`;
  return svgChart(name, label, [width, height], text);
}

/** A y axis for values up to `max`: a round step (1, 2 or 5 times a power of ten) and the ticks it gives. */
export function axis(max: number): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const count = Math.max(1, Math.ceil(max / step - 1e-9));
  return { max: step * count, ticks: Array.from({ length: count + 1 }, (_, i) => step * i) };
}

/** Horizontal grid lines with their labels on the left; the baseline solid, the others dashed. */
export function gridLines(
  ticks: number[],
  y: (v: number) => number,
  [left, right]: [number, number],
  label: (v: number) => string,
): string[] {
  return ticks.flatMap((v, i) => [
    `<line x1="${left}" x2="${right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="${COLOR.grid}"${i === 0 ? '' : ' stroke-dasharray="3 4"'}/>`,
    `<text x="${left - 8}" y="${fmt(y(v))}" text-anchor="end" dominant-baseline="middle" class="axis">${esc(label(v))}</text>`,
  ]);
}

export interface Bar {
  label: string;
  value: number;
  display: string;
  color: string;
  title?: string;
  /** Shown in the warning colour after the value (for example unpriced calls). */
  flag?: string;
}

const BARS_WIDTH = 520;
const BAR_ROW_HEIGHT = 30;

/** Where a set of bars is drawn: the label column, the bar space after it, and the value column. */
interface BarLayout {
  labelWidth: number;
  barSpace: number;
  max: number;
}

function barLayout(bars: Bar[]): BarLayout {
  const labelChars = Math.min(LABEL_CHARS, Math.max(...bars.map((b) => b.label.length)));
  const labelWidth = Math.max(70, Math.ceil(labelChars * 7.2) + 16);
  const longestValue = Math.max(...bars.map((b) => (b.display + (b.flag ?? '')).length));
  const valueWidth = Math.min(170, Math.max(70, longestValue * 6.6 + 24));
  return { labelWidth, barSpace: BARS_WIDTH - labelWidth - valueWidth, max: Math.max(...bars.map((b) => b.value), 0) };
}

function barRow(b: Bar, i: number, { labelWidth, barSpace, max }: BarLayout): string {
  const h = BAR_ROW_HEIGHT;
  const y = 4 + i * h;
  const w = max > 0 ? (b.value / max) * barSpace : 0;
  return (
    `<g><title>${esc(b.title ?? `${b.label}: ${b.display}`)}</title>` +
    `<text x="${labelWidth - 10}" y="${y + h / 2}" text-anchor="end" dominant-baseline="middle" class="label">${esc(truncate(b.label, LABEL_CHARS))}</text>` +
    `<rect x="${labelWidth}" y="${y + 5}" width="${fmt(barSpace)}" height="${h - 10}" rx="4" fill="${COLOR.track}"/>` +
    (w > 0
      ? `<rect x="${labelWidth}" y="${y + 5}" width="${fmt(Math.max(w, 3))}" height="${h - 10}" rx="4" fill="${esc(b.color)}"/>`
      : '') +
    `<text x="${fmt(labelWidth + barSpace + 10)}" y="${y + h / 2}" dominant-baseline="middle" class="value">${esc(b.display)}` +
    (b.flag ? `<tspan class="flag"${b.display ? ' dx="6"' : ''}>${esc(b.flag)}</tspan>` : '') +
    `</text></g>`
  );
}

/** Horizontal bars with the label on the left and the value after the bar. */
export function horizontalBars(name: string, label: string, bars: Bar[], empty: string): string {
  if (bars.length === 0) return emptyChart(name, label, empty);
  const layout = barLayout(bars);
  const rows = bars.map((b, i) => barRow(b, i, layout));
  return svgChart(name, label, [BARS_WIDTH, bars.length * BAR_ROW_HEIGHT + 8], rows.join(''));
}

import type { Column } from './columns.js';
import { escapeHtml as esc } from './escape-html.js';

/** A table for the HTML page, with a caption and a row saying so when there is nothing to show. */
export function htmlTable<T>(
  caption: string,
  columns: Column<T>[],
  rows: T[],
  empty = 'nothing in the window',
): string {
  const head = columns.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${esc(c.header)}</th>`).join('');
  const body =
    rows.length === 0
      ? `<tr><td colspan="${columns.length}" class="none">${esc(empty)}</td></tr>`
      : rows.map((row) => `<tr>${columns.map((c) => htmlCell(c, row)).join('')}</tr>`).join('');
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function htmlCell<T>(column: Column<T>, row: T): string {
  const classes = [column.numeric ? 'num' : '', column.className?.(row) ?? ''].filter(Boolean).join(' ');
  return `<td${classes ? ` class="${classes}"` : ''}>${esc(column.cell(row))}</td>`;
}

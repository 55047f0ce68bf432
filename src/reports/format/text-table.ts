import type { Column } from './columns.js';

/** A section's first lines in the terminal: a blank line, then its title and summary. */
export const textHeading = (title: string, summary = ''): string[] => ['', summary ? `${title}  ${summary}` : title];

/** An aligned table for the terminal: a header, a rule, and numeric columns right-aligned. */
export function textTable<T>(columns: Column<T>[], rows: T[], indent = '  '): string[] {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => (columns[i]?.numeric ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), indent + widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)];
}

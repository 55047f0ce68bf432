import type { CompareResult, CompareSide } from '../shared/compare.js';

/** A comparison as a side-by-side table for the terminal. */
export function formatCompare(result: CompareResult): string {
  const col = (s: CompareSide) => [
    `${s.promptVersion} / ${s.model}`,
    `${s.valid} valid, ${s.invalid} invalid, ${s.errors} errors`,
    `$${s.totalCostUsd.toFixed(6)} ($${(s.totalCostUsd / Math.max(1, result.documents)).toFixed(6)} per document)`,
    s.meanLatencyMs === null ? 'n/a' : `${Math.round(s.meanLatencyMs)} ms mean, ${s.p95LatencyMs ?? 'n/a'} ms p95`,
  ];
  const labels = ['configuration', 'answers', 'cost', 'latency'];
  const [a, b] = [col(result.a), col(result.b)];
  const widths = [Math.max(...labels.map((l) => l.length)), Math.max(...a.map((x) => x.length))];
  const lines = labels.map((label, i) => `${label.padEnd(widths[0]!)}   ${a[i]!.padEnd(widths[1]!)}   ${b[i]}`);
  const disagreements = result.rows.filter((r) => r.a !== null && r.b !== null && r.a !== r.b);
  return [
    `${''.padEnd(widths[0]!)}   ${'A'.padEnd(widths[1]!)}   B`,
    ...lines,
    '',
    `Agreement: ${result.agreed} of ${result.bothValid} documents both answered validly` +
      (result.agreement === null ? '' : ` (${(result.agreement * 100).toFixed(1)}%)`),
    ...disagreements.slice(0, 20).map((r) => `  ${r.documentId}: A ${r.a}, B ${r.b}`),
    ...(disagreements.length > 20 ? [`  … ${disagreements.length - 20} more (--json lists all)`] : []),
  ].join('\n');
}

import type { CanaryReport, Mean, Rate } from './report.js';

function pct(r: Rate): string {
  if (r.rate === null) return 'n/a';
  return `${(r.rate * 100).toFixed(1)}% [${((r.low ?? 0) * 100).toFixed(1)}–${((r.high ?? 0) * 100).toFixed(1)}] of ${r.total}`;
}

function mean(m: Mean, digits: number, unit = ''): string {
  if (m.mean === null) return 'n/a';
  return `${m.mean.toFixed(digits)}${unit} [${(m.low ?? 0).toFixed(digits)}–${(m.high ?? 0).toFixed(digits)}]`;
}

/** The report as a table for the terminal (`docket canary report`), 95% intervals in brackets. */
export function formatCanaryReport(report: CanaryReport): string {
  const { canary, baseline, candidate } = report;
  const rows: [string, string, string][] = [
    [
      '',
      `baseline ${baseline.promptVersion} / ${baseline.model}`,
      `candidate ${candidate.promptVersion} / ${candidate.model}`,
    ],
    ['calls', String(baseline.calls), String(candidate.calls)],
    ['parse failures', pct(baseline.parseFailure), pct(candidate.parseFailure)],
    ['low confidence', pct(baseline.lowConfidence), pct(candidate.lowConfidence)],
    ['human agreement', pct(baseline.humanAgreement), pct(candidate.humanAgreement)],
    ['cost per call ($)', mean(baseline.costPerCallUsd, 6), mean(candidate.costPerCallUsd, 6)],
    ['latency (ms)', mean(baseline.latencyMs, 0), mean(candidate.latencyMs, 0)],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('   ')
      .trimEnd(),
  );
  return [
    `Canary #${canary.id}: ${canary.status}, ${(canary.share * 100).toFixed(1)}% of documents to the candidate since ${canary.startedAt.toISOString()}`,
    ...(canary.reason ? [`  ${canary.reason}`] : []),
    `  automatic rollback above ${(canary.maxParseFailureRate * 100).toFixed(1)}% parse failures after ${canary.minCalls} calls`,
    '',
    ...lines,
    '',
    '95% intervals in brackets (Wilson for rates).',
  ].join('\n');
}

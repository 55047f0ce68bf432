import { escapeHtml as esc } from './format/escape-html.js';
import { formatInstant } from './format/figures.js';
import { accuracyBlocks } from './html/accuracy-tables.js';
import { chartCards } from './html/cards.js';
import { keyFigures, warningCallouts } from './html/summary.js';
import { CSS } from './html/css.js';
import { callTables, reviewTables } from './html/tables.js';
import type { Report } from './report-schema.js';

function windowText({ window }: Report): string {
  const since = window.since === null ? 'beginning of the ledger' : formatInstant(window.since);
  return `${since} → ${window.until === null ? 'now' : formatInstant(window.until)}`;
}

function pageHeader(report: Report, window: string): string {
  const title = `<h1><span>Docket</span> cost &amp; quality report${report.simulated ? ' — simulated' : ''}</h1>`;
  const simulated = report.simulated
    ? `<p class="simulated">Answered by Docket's simulator, not a model: set OPENAI_API_KEY for real results.</p>`
    : '';
  const meta = `<div class="meta">${esc(window)} · generated ${esc(formatInstant(report.generatedAt))}</div>`;
  return `<header>${title}${simulated}${meta}</header>`;
}

function notes({ review }: Report): string {
  return review.notes.length > 0
    ? `<ul class="notes">${review.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
    : '';
}

/** One self-contained HTML page: warnings first, key figures, inline SVG charts, then the tables. */
export function formatReportHtml(report: Report): string {
  const window = windowText(report);
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
${pageHeader(report, window)}
${warningCallouts(report)}
<section class="kpis">${keyFigures(report)}</section>
<div class="grid">${chartCards(report)}</div>
<h3>Cost and calls</h3>
<div class="tables">${callTables(report)}</div>
<h3>Review</h3>
<div class="tables">${reviewTables(report)}</div>
${notes(report)}${accuracyBlocks(report)}
</main>
</body>
</html>
`;
}

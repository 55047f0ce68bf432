import {
  agreementColumns,
  costColumns,
  errorTypeColumns,
  modeColumns,
  shareColumns,
  type Column,
} from '../format/columns.js';
import { formatCount, formatPercent } from '../format/figures.js';
import { htmlTable } from '../format/html-table.js';
import type { Report } from '../report-schema.js';
import type { CostRow } from '../sections/cost.js';

// The bottom of the page: every figure of the charts again, as tables.

const wide = (table: string) => `<div class="wide">${table}</div>`;
const costTable = (caption: string, keyHeader: string, rows: CostRow[]) =>
  wide(htmlTable(caption, costColumns(keyHeader, rows, 'html'), rows));

/** Cost by model, prompt version, taxonomy and day (days with calls), then finish reasons and error types. */
export function callTables({ cost, modes, finishReasons, errors }: Report): string {
  return [
    ...(modes ? [htmlTable('Cost by mode (Batch API savings, wait for an answer)', modeColumns, modes.byMode)] : []),
    costTable('Cost by model', 'model', cost.byModel),
    costTable('Cost by prompt version', 'prompt version', cost.byPromptVersion),
    costTable('Cost by taxonomy', 'taxonomy', cost.byTaxonomy),
    costTable(
      'Cost by day (UTC), days with calls',
      'day',
      cost.byDay.filter((d) => d.calls > 0),
    ),
    htmlTable('finish_reason', shareColumns('finish_reason'), finishReasons.rows),
    htmlTable('Errors by type', errorTypeColumns, errors.byType),
  ].join('');
}

const decisionColumns: Column<{ key: string; value: string }>[] = [
  { header: 'decided by', cell: (r) => r.key },
  { header: 'classifications', cell: (r) => r.value, numeric: true },
];

/** Who decided, why people were asked, and how often they agreed with the model. */
export function reviewTables({ review }: Report): string {
  const decisions = [
    { key: 'model', value: formatCount(review.decidedByModel) },
    { key: 'human', value: formatCount(review.decidedByHuman) },
    { key: 'unreviewed (accepted after the review deadline)', value: formatCount(review.unreviewed) },
    { key: `review rate`, value: formatPercent(review.reviewRate) },
  ];
  const { agreement } = review;
  return [
    htmlTable('Decisions', decisionColumns, decisions),
    htmlTable('Human decisions by review reason', shareColumns('reason'), review.byReason),
    htmlTable('Agreement by suggested category', agreementColumns('category'), agreement.byCategory),
    htmlTable('Agreement by prompt version', agreementColumns('prompt version'), agreement.byPromptVersion),
    htmlTable('Agreement by model', agreementColumns('model'), agreement.byModel),
  ].join('');
}

import type { AgreementRow } from '../agreement.js';
import type { CostRow } from '../sections/cost.js';
import type { ModeRowView } from '../sections/modes.js';
import type { ErrorsSection } from '../sections/errors.js';
import type { ShareRow } from '../sections/shares.js';
import { formatCount, formatPercent, formatUsd, formatWait, usdColumnDecimals } from './figures.js';

/** A table column, rendered by both `textTable` and `htmlTable`. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** Right-aligned. */
  numeric?: boolean;
  /** HTML classes of the cell (the text format has no colours). */
  className?: (row: T) => string;
}

/** The words each format uses in a cost table: the terminal abbreviates, the page spells out. */
const COST_LABELS = {
  text: { inputTokens: 'input tok', cachedTokens: 'cached tok', outputTokens: 'output tok', noUnpriced: '' },
  html: { inputTokens: 'input tokens', cachedTokens: 'cached', outputTokens: 'output tokens', noUnpriced: '–' },
};

/** Calls, unpriced calls, cost (one decimal count for the whole column) and tokens of each group. */
export function costColumns(keyHeader: string, rows: CostRow[], format: 'text' | 'html'): Column<CostRow>[] {
  const labels = COST_LABELS[format];
  const decimals = usdColumnDecimals(rows.map((r) => r.costUsd));
  return [
    { header: keyHeader, cell: (r) => r.key },
    { header: 'calls', cell: (r) => formatCount(r.calls), numeric: true },
    {
      header: 'unpriced',
      cell: (r) => (r.unpricedCalls > 0 ? formatCount(r.unpricedCalls) : labels.noUnpriced),
      numeric: true,
      className: (r) => (r.unpricedCalls > 0 ? 'warn' : 'dim'),
    },
    {
      header: 'cost',
      cell: (r) => formatUsd(r.costUsd, decimals),
      numeric: true,
      className: (r) => (r.costUsd === null ? 'warn' : ''),
    },
    { header: labels.inputTokens, cell: (r) => formatCount(r.inputTokens), numeric: true },
    { header: labels.cachedTokens, cell: (r) => formatCount(r.cachedTokens), numeric: true },
    { header: labels.outputTokens, cell: (r) => formatCount(r.outputTokens), numeric: true },
  ];
}

/** Each group's count and share. */
export const shareColumns = (keyHeader: string): Column<ShareRow>[] => [
  { header: keyHeader, cell: (r) => r.key },
  { header: 'count', cell: (r) => formatCount(r.count), numeric: true },
  { header: 'share', cell: (r) => formatPercent(r.share), numeric: true },
];

/** Each group's decisions, how many agreed with the model, and the rate. */
export const agreementColumns = (keyHeader: string): Column<AgreementRow>[] => [
  { header: keyHeader, cell: (r) => r.key },
  { header: 'decided', cell: (r) => formatCount(r.decided), numeric: true },
  { header: 'agreed', cell: (r) => formatCount(r.agreed), numeric: true },
  { header: 'rate', cell: (r) => formatPercent(r.rate), numeric: true },
];

/** Each error type with its class, count and share of all calls. */
export const errorTypeColumns: Column<ErrorsSection['byType'][number]>[] = [
  { header: 'type', cell: (r) => r.key },
  { header: 'class', cell: (r) => r.errorClass },
  { header: 'count', cell: (r) => formatCount(r.count), numeric: true },
  { header: 'share', cell: (r) => formatPercent(r.share), numeric: true },
];

/** Spend, savings and the wait for an answer, per mode. */
export const modeColumns: Column<ModeRowView>[] = [
  { header: 'mode', cell: (r) => r.mode },
  { header: 'calls', cell: (r) => formatCount(r.calls), numeric: true },
  { header: 'cost', cell: (r) => formatUsd(r.costUsd), numeric: true },
  { header: 'at realtime prices', cell: (r) => formatUsd(r.realtimeEquivalentUsd), numeric: true },
  { header: 'saved', cell: (r) => formatUsd(r.savedUsd), numeric: true },
  { header: 'jobs', cell: (r) => formatCount(r.providerJobs), numeric: true },
  { header: 'wait p50', cell: (r) => formatWait(r.waitP50Ms), numeric: true },
  { header: 'wait p95', cell: (r) => formatWait(r.waitP95Ms), numeric: true },
];

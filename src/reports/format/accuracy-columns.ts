import type { AccuracyRow, ReliabilityBucket, ReviewerThroughput, ThresholdSuggestion } from '../accuracy/index.js';
import type { Column } from './columns.js';
import { formatCount, formatInterval, formatPercent, formatRate, formatSeconds } from './figures.js';

// The columns of the accuracy, calibration and reviewer tables, rendered by both formats.

/** Each group's audits, how many were right, and the estimated accuracy with its interval. */
export const accuracyColumns = (keyHeader: string): Column<AccuracyRow>[] => [
  { header: keyHeader, cell: (r) => r.key },
  { header: 'audited', cell: (r) => formatCount(r.audited), numeric: true },
  { header: 'correct', cell: (r) => formatCount(r.correct), numeric: true },
  { header: 'accuracy', cell: (r) => formatPercent(r.accuracy), numeric: true },
  { header: '95% interval', cell: (r) => formatInterval(r.low, r.high), numeric: true },
];

/** Each bucket of stated confidence against the accuracy observed in it. */
export const reliabilityColumns: Column<ReliabilityBucket>[] = [
  { header: 'confidence', cell: (b) => `${b.low.toFixed(1)}–${b.high.toFixed(1)}` },
  { header: 'answers', cell: (b) => formatCount(b.answers), numeric: true },
  { header: 'correct', cell: (b) => formatCount(b.correct), numeric: true },
  { header: 'stated', cell: (b) => formatPercent(b.meanConfidence), numeric: true },
  { header: 'observed', cell: (b) => formatPercent(b.accuracy), numeric: true },
  { header: '95% interval', cell: (b) => formatInterval(b.accuracyLow, b.accuracyHigh), numeric: true },
];

const THRESHOLD_STATUS_WORDS: Record<ThresholdSuggestion['status'], string> = {
  suggested: 'suggested',
  not_enough_data: 'not enough data',
  target_not_met: 'target not met',
};

/** Each taxonomy's suggested threshold, the accuracy and share of what it would accept, and its sample. */
export const thresholdColumns: Column<ThresholdSuggestion>[] = [
  { header: 'taxonomy', cell: (t) => t.taxonomy },
  { header: 'threshold', cell: (t) => (t.threshold === null ? '–' : t.threshold.toFixed(2)), numeric: true },
  { header: 'accuracy', cell: (t) => formatPercent(t.accuracy), numeric: true },
  { header: '95% interval', cell: (t) => formatInterval(t.accuracyLow, t.accuracyHigh), numeric: true },
  { header: 'auto-accepted', cell: (t) => formatPercent(t.autoAcceptShare), numeric: true },
  { header: 'checked', cell: (t) => formatCount(t.sample), numeric: true },
  { header: 'audits', cell: (t) => formatCount(t.audits), numeric: true },
  {
    header: 'status',
    cell: (t) => THRESHOLD_STATUS_WORDS[t.status],
    className: (t) => (t.status === 'suggested' ? '' : 'warn'),
  },
];

/** Each reviewer's decisions, rates per active day and hour, and median time to decide. */
export const throughputColumns: Column<ReviewerThroughput>[] = [
  { header: 'reviewer', cell: (r) => r.reviewer },
  { header: 'decisions', cell: (r) => formatCount(r.decisions), numeric: true },
  { header: 'active days', cell: (r) => formatCount(r.activeDays), numeric: true },
  { header: 'per day', cell: (r) => formatRate(r.perActiveDay), numeric: true },
  { header: 'per hour', cell: (r) => formatRate(r.perActiveHour), numeric: true },
  { header: 'median time to decide', cell: (r) => formatSeconds(r.medianSecondsToDecide), numeric: true },
];

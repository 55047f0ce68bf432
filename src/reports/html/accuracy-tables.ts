import {
  accuracyColumns,
  reliabilityColumns,
  thresholdColumns,
  throughputColumns,
} from '../format/accuracy-columns.js';
import { escapeHtml as esc } from '../format/escape-html.js';
import { formatCount, formatInterval, formatPercent, formatSeconds } from '../format/figures.js';
import { htmlTable } from '../format/html-table.js';
import type { Report } from '../report-schema.js';

// The page's accuracy, calibration and reviewer tables, each block present only when the report has its section.

/** A table across the whole width: the reliability and threshold tables are too wide to sit side by side. */
const wide = (table: string) => `<div class="wide">${table}</div>`;
const noteList = (notes: string[]) => `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
const block = (title: string, tables: string[], notes: string[]) =>
  `\n<h3>${esc(title)}</h3>\n<div class="tables">${tables.join('')}</div>\n${noteList(notes)}`;

function accuracyBlock({ accuracy }: Report): string {
  if (!accuracy) return '';
  const { overall } = accuracy;
  const caption =
    `Accuracy of auto-accepted results: ${formatPercent(overall.accuracy)}` +
    ` (95% interval ${formatInterval(overall.low, overall.high)}) from ${formatCount(overall.audited)} audits`;
  return block(
    'Accuracy',
    [
      htmlTable(caption, accuracyColumns('category the model answered'), accuracy.byCategory),
      htmlTable('Accuracy by prompt version', accuracyColumns('prompt version'), accuracy.byPromptVersion),
      htmlTable('Accuracy by model', accuracyColumns('model'), accuracy.byModel),
    ],
    accuracy.notes,
  );
}

function calibrationBlock({ calibration }: Report): string {
  if (!calibration) return '';
  const { reliability, thresholds } = calibration;
  const reasons = thresholds.flatMap((t) => (t.reason ? [`${t.taxonomy}: ${t.reason}`] : []));
  return block(
    'Calibration',
    [
      wide(
        htmlTable(
          `Reliability: expected calibration error ${formatPercent(reliability.expectedCalibrationError)}` +
            ` over ${formatCount(reliability.answers)} checked answers`,
          reliabilityColumns,
          reliability.buckets,
        ),
      ),
      wide(
        htmlTable(
          `Suggested confidence threshold for ${formatPercent(calibration.target)} accuracy`,
          thresholdColumns,
          thresholds,
        ),
      ),
    ],
    [...reasons, ...calibration.notes],
  );
}

function reviewersBlock({ reviewers }: Report): string {
  if (!reviewers) return '';
  const { agreement } = reviewers;
  const kappa =
    agreement.documents === 0
      ? 'agreement between reviewers: no document was reviewed twice'
      : `agreement between reviewers: Cohen's kappa ${agreement.kappa === null ? 'n/a' : agreement.kappa.toFixed(2)}` +
        ` over ${formatCount(agreement.documents)} documents reviewed twice (agreed ${formatPercent(agreement.observed)},` +
        ` chance ${formatPercent(agreement.expected)})`;
  return block(
    'Reviewers',
    [
      htmlTable(
        `${formatCount(reviewers.decisions)} decisions · median time to decide ` +
          formatSeconds(reviewers.medianSecondsToDecide),
        throughputColumns,
        reviewers.reviewers,
      ),
    ],
    [kappa, ...reviewers.notes],
  );
}

/** Accuracy, calibration and reviewers, in that order; an empty string for a report without any of them. */
export function accuracyBlocks(report: Report): string {
  return [accuracyBlock(report), calibrationBlock(report), reviewersBlock(report)].join('');
}

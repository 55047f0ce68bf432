import type { AccuracyRow, ReviewerAgreement } from '../accuracy/index.js';
import type { Report } from '../report-schema.js';
import { accuracyColumns, reliabilityColumns, thresholdColumns, throughputColumns } from './accuracy-columns.js';
import { formatCount, formatInterval, formatPercent, formatSeconds } from './figures.js';
import { textHeading as heading, textTable } from './text-table.js';

// The terminal's accuracy, calibration and reviewer sections; each is empty when the report has no such section.

const noteLines = (notes: string[]) => (notes.length > 0 ? ['', ...notes.map((n) => `  note: ${n}`)] : []);

function groupTable(title: string, header: string, rows: AccuracyRow[]): string[] {
  return rows.length === 0 ? [] : ['', `  ${title}`, ...textTable(accuracyColumns(header), rows, '    ')];
}

/** The accuracy of auto-accepted results from audits, overall and by category, prompt version and model. */
export function accuracyText({ accuracy }: Report): string[] {
  if (!accuracy) return [];
  const { overall } = accuracy;
  return [
    ...heading(
      'Accuracy of auto-accepted results',
      `${formatPercent(overall.accuracy)} (95% interval ${formatInterval(overall.low, overall.high)})` +
        ` from ${formatCount(overall.audited)} audits`,
    ),
    ...groupTable('by category the model answered', 'category', accuracy.byCategory),
    ...groupTable('by prompt version', 'prompt version', accuracy.byPromptVersion),
    ...groupTable('by model', 'model', accuracy.byModel),
    ...noteLines(accuracy.notes),
  ];
}

/** The reliability table and the suggested threshold of each taxonomy, with the reason when there is none. */
export function calibrationText({ calibration }: Report): string[] {
  if (!calibration) return [];
  const { reliability, thresholds } = calibration;
  const reasons = thresholds.flatMap((t) => (t.reason ? [`    ${t.taxonomy}: ${t.reason}`] : []));
  return [
    ...heading(
      'Calibration',
      `expected calibration error ${formatPercent(reliability.expectedCalibrationError)}` +
        ` over ${formatCount(reliability.answers)} checked answers`,
    ),
    ...textTable(reliabilityColumns, reliability.buckets),
    '',
    `  suggested confidence threshold for ${formatPercent(calibration.target)} accuracy`,
    ...textTable(thresholdColumns, thresholds, '    '),
    ...reasons,
    ...noteLines(calibration.notes),
  ];
}

function agreementLine(agreement: ReviewerAgreement): string {
  if (agreement.documents === 0) return '  agreement between reviewers: no document was reviewed twice';
  const kappa = agreement.kappa === null ? 'n/a' : agreement.kappa.toFixed(2);
  return (
    `  agreement between reviewers: Cohen's kappa ${kappa} over ${formatCount(agreement.documents)} documents` +
    ` reviewed twice (agreed ${formatPercent(agreement.observed)}, chance ${formatPercent(agreement.expected)})`
  );
}

/** Decisions per reviewer, time to decide, and agreement between reviewers. */
export function reviewersText({ reviewers }: Report): string[] {
  if (!reviewers) return [];
  return [
    ...heading(
      'Reviewers',
      `${formatCount(reviewers.decisions)} decisions · median time to decide` +
        ` ${formatSeconds(reviewers.medianSecondsToDecide)} (${formatCount(reviewers.timed)} timed)`,
    ),
    ...textTable(throughputColumns, reviewers.reviewers),
    '',
    agreementLine(reviewers.agreement),
    ...noteLines(reviewers.notes),
  ];
}

import type { Pool } from '../db/pool.js';
import type { Report } from './report-schema.js';
import { readReportRows, type ReportRows } from './rows.js';
import { DEFAULT_ACCURACY_TARGET } from './accuracy/index.js';
import { accuracySection } from './sections/accuracy.js';
import { calibrationSection } from './sections/calibration.js';
import { callsSection } from './sections/calls.js';
import { costSection } from './sections/cost.js';
import { documentsSection } from './sections/documents.js';
import { errorsSection } from './sections/errors.js';
import { finishReasonsSection } from './sections/finish-reasons.js';
import { latencySection } from './sections/latency.js';
import { modesSection } from './sections/modes.js';
import { parseSection } from './sections/parse.js';
import { DEFAULT_RATE_LIMIT_ALERT_AFTER_MS, providerSection } from './sections/provider.js';
import { reviewSection } from './sections/review.js';
import { reviewersSection } from './sections/reviewers.js';
import { tokensSection } from './sections/tokens.js';
import { withoutSimulatorArtefacts, type ReportWarning } from './warnings.js';

export { reportSchema, type Report } from './report-schema.js';
export type { CallsSection } from './sections/calls.js';
export type { CostRow, CostSection } from './sections/cost.js';
export type { DocumentsSection } from './sections/documents.js';
export type { ErrorsSection } from './sections/errors.js';
export { LENGTH_SHARE_LIMIT, type FinishReasonsSection } from './sections/finish-reasons.js';
export { LATENCY_TAIL_FACTOR, type LatencySection, type Percentiles } from './sections/latency.js';
export type { ModesSection } from './sections/modes.js';
export type { ParseSection } from './sections/parse.js';
export type { ProviderSection } from './sections/provider.js';
export type { ReviewSection } from './sections/review.js';
export type { AccuracySection } from './sections/accuracy.js';
export type { CalibrationSection } from './sections/calibration.js';
export type { ReviewersSection } from './sections/reviewers.js';
export type { ShareRow } from './sections/shares.js';
export { CACHE_MIN_PROMPT_TOKENS, NO_CACHE_MIN_CALLS, type TokensSection } from './sections/tokens.js';
export { REPORT_WARNING, type ReportWarning, type ReportWarningCode } from './warnings.js';

export interface ReportOptions {
  /** Only what happened at or after this instant. @default the beginning of the ledger */
  since?: Date;
  /** Only what happened before this instant. @default no upper bound */
  until?: Date;
  /** The report's clock: its `generatedAt`, and the last day of an open-ended window. @default new Date() */
  now?: Date;
  /** DOCKET_RATE_LIMIT_ALERT_AFTER, for the provider section's storm flag, ms. @default 15 minutes */
  rateLimitAlertAfterMs?: number;
  /**
   * The calls were answered by Docket's simulator (`npm start` without a key): the report says so, and leaves out the
   * warnings only a real provider's answers can justify (prompt caching, latency tails). @default false
   */
  simulated?: boolean;
  /** The accuracy the calibration section's suggested thresholds aim for. @default 0.97 */
  accuracyTarget?: number;
}

/**
 * Builds the cost and quality report for a window of the call ledger: documents, cost, tokens and caching,
 * latency, finish reasons, parse failures, errors, review and human agreement, and (once review decisions are
 * recorded) accuracy from audits, calibration and reviewer throughput, with warnings where a figure deserves attention. Calls are placed in the window by `started_at`, documents by `created_at` and
 * classifications by `decided_at`.
 */
export async function buildReport(pool: Pool, options: ReportOptions = {}): Promise<Report> {
  const rows = await readReportRows(pool, { since: options.since ?? null, until: options.until ?? null });
  return assembleReport(rows, options);
}

/** The report from the rows it is built of: each section from its own rows, then the warnings gathered. */
export function assembleReport(rows: ReportRows, options: ReportOptions = {}): Report {
  const now = options.now ?? new Date();
  const simulated = options.simulated === true;
  const window = { since: options.since ?? null, until: options.until ?? null };
  const keep = <T extends { warnings: ReportWarning[] }>(section: T): T =>
    simulated ? withoutSimulatorArtefacts(section) : section;
  const warned = {
    cost: keep(costSection(rows, { ...window, now })),
    tokens: keep(tokensSection(rows.totals)),
    latency: keep(latencySection(rows.totals)),
    finishReasons: keep(finishReasonsSection(rows.finishReasons)),
  };
  const provider = providerSection(rows.providerHealth, rows.totals.outageCalls, {
    alertAfterMs: options.rateLimitAlertAfterMs ?? DEFAULT_RATE_LIMIT_ALERT_AFTER_MS,
    now,
  });
  return {
    ...(provider ? { provider } : {}),
    ...(simulated ? { simulated: true } : {}),
    generatedAt: now.toISOString(),
    window: { since: window.since?.toISOString() ?? null, until: window.until?.toISOString() ?? null },
    documents: documentsSection(rows.documents),
    calls: callsSection(rows.totals),
    ...warned,
    parse: parseSection(rows.totals),
    errors: errorsSection(rows.totals, rows.errorClasses, rows.errorTypes),
    review: reviewSection(rows.decisions, rows.reviewReasons, rows.agreement, {
      windowEnds: window.until !== null,
      simulated,
    }),
    ...optional('modes', modesSection(rows.modes)),
    ...accuracySections(rows, options.accuracyTarget ?? DEFAULT_ACCURACY_TARGET),
    warnings: Object.values(warned).flatMap((section) => section.warnings),
  };
}

/** `{ [key]: section }` when the section has data, else nothing. */
function optional<K extends string, T>(key: K, section: T | undefined): Partial<Record<K, T>> {
  return section === undefined ? {} : ({ [key]: section } as Record<K, T>);
}

/** The accuracy, calibration and reviewer sections that have data; none for a ledger without review decisions. */
function accuracySections(rows: ReportRows, target: number): Pick<Report, 'accuracy' | 'calibration' | 'reviewers'> {
  if (!rows.accuracy) return {};
  const { checked, confidenceCounts, timings, doubleReviews } = rows.accuracy;
  const accuracy = accuracySection(checked);
  const calibration = calibrationSection(checked, confidenceCounts, target);
  const reviewers = reviewersSection(timings, doubleReviews);
  return {
    ...(accuracy ? { accuracy } : {}),
    ...(calibration ? { calibration } : {}),
    ...(reviewers ? { reviewers } : {}),
  };
}

import {
  countReviewDecisions,
  readCheckedAnswers,
  readConfidenceCounts,
  readDecisionTimings,
  readDoubleReviews,
  type DecisionWindow,
} from '../db/accuracy.js';
import type { Pool } from '../db/pool.js';
import type { CheckedAnswer, ConfidenceCount, DecisionTiming } from './accuracy/index.js';

/** What the accuracy, calibration and reviewer sections are built from. */
export interface AccuracyRows {
  /** Decisions in review_decisions in the window. */
  reviewDecisions: number;
  checked: CheckedAnswer[];
  confidenceCounts: ConfidenceCount[];
  timings: DecisionTiming[];
  doubleReviews: Array<[string, string]>;
}

/**
 * The rows of the accuracy sections for the window's decisions, or undefined when review_decisions holds none: a
 * ledger from before every decision was recorded there keeps the report it always had.
 */
export async function readAccuracyRows(pool: Pool, window: DecisionWindow): Promise<AccuracyRows | undefined> {
  const reviewDecisions = await countReviewDecisions(pool, window);
  if (reviewDecisions === 0) return undefined;
  const [checked, confidenceCounts, timings, doubleReviews] = await Promise.all([
    readCheckedAnswers(pool, window),
    readConfidenceCounts(pool, window),
    readDecisionTimings(pool, window),
    readDoubleReviews(pool, window),
  ]);
  return { reviewDecisions, checked, confidenceCounts, timings, doubleReviews };
}

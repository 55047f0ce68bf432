import { z } from 'zod';
import { groupBy } from './checked-answers.js';
import { median } from './percentile.js';

/** One review decision, as throughput sees it. */
export interface DecisionTiming {
  reviewer: string;
  decidedAt: Date;
  /** When the document began waiting for a person; null when unknown (decisions recorded before it was). */
  pendingSince: Date | null;
}

/** How much one reviewer decides, and how fast. */
export const reviewerThroughputSchema = z.object({
  reviewer: z.string(),
  decisions: z.number(),
  activeDays: z.number().describe('UTC days with at least one decision.'),
  activeHours: z.number().describe('UTC clock hours with at least one decision.'),
  perActiveDay: z.number().describe('decisions / activeDays.'),
  perActiveHour: z.number().describe('decisions / activeHours.'),
  medianSecondsToDecide: z
    .number()
    .nullable()
    .describe('Median seconds from pending to decided, over the decisions whose pending time is known.'),
});
export type ReviewerThroughput = z.infer<typeof reviewerThroughputSchema>;

/** Reviewer throughput: each reviewer, busiest first, and the team as a whole. */
export const throughputSchema = z.object({
  reviewers: z.array(reviewerThroughputSchema).describe('Busiest first.'),
  decisions: z.number(),
  medianSecondsToDecide: z.number().nullable().describe('Over every timed decision.'),
  timed: z.number().describe('Decisions whose pending time is known: the time-to-decide figures count only these.'),
});
export type Throughput = z.infer<typeof throughputSchema>;

const secondsToDecide = (d: DecisionTiming) =>
  d.pendingSince === null ? [] : [Math.max(0, (d.decidedAt.getTime() - d.pendingSince.getTime()) / 1000)];

/**
 * Decisions per reviewer per active day and per active hour, and the median time to decide (from
 * pending_review_since to decided_at: the wait in the queue and the reading together, what the submitter feels).
 * Rates are per *active* day and hour, the days and clock hours in which the reviewer decided anything, so that a
 * reviewer who works one morning a week is not reported as slow, and a quiet week does not dilute everyone's rate.
 */
export function reviewerThroughput(decisions: readonly DecisionTiming[]): Throughput {
  const reviewers = groupBy(decisions, (d) => d.reviewer).map(([reviewer, own]): ReviewerThroughput => {
    const days = new Set(own.map((d) => d.decidedAt.toISOString().slice(0, 10))).size;
    const hours = new Set(own.map((d) => d.decidedAt.toISOString().slice(0, 13))).size;
    return {
      reviewer,
      decisions: own.length,
      activeDays: days,
      activeHours: hours,
      perActiveDay: own.length / days,
      perActiveHour: own.length / hours,
      medianSecondsToDecide: median(own.flatMap(secondsToDecide)),
    };
  });
  reviewers.sort((a, b) => b.decisions - a.decisions);
  const timed = decisions.flatMap(secondsToDecide);
  return { reviewers, decisions: decisions.length, medianSecondsToDecide: median(timed), timed: timed.length };
}

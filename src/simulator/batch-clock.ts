import { z } from 'zod';
import type { BatchClock, BatchStatus } from './batch-types.js';

/** A clock that runs a small job in about a second, and never expires one on its own. */
export const DEFAULT_BATCH_CLOCK: BatchClock = {
  validatingMs: 500,
  perRequestMs: 5,
  finalizingMs: 500,
  cancellingMs: 500,
  windowMs: 86_400_000,
};

const duration = z.number().min(0);

/** A partial clock as sent in a profile (`PUT /_sim/profile`, `SIMULATOR_PROFILE`). */
export const batchClockPatchSchema = z.strictObject({
  validatingMs: duration.optional(),
  perRequestMs: duration.optional(),
  finalizingMs: duration.optional(),
  cancellingMs: duration.optional(),
  windowMs: duration.optional(),
});

/** What a job's timeline is computed from; all fixed at creation except the cancel. */
export interface JobTimeline {
  createdAt: number;
  lineCount: number;
  /** The clock in force when the job was created. */
  clock: BatchClock;
  failsValidation: boolean;
  /** An `expire` fault: the job expires once this many lines are done. */
  expireAfterLines?: number | undefined;
  /** A `slow_output` fault on the finalizing stage. */
  extraFinalizingMs: number;
  /** When a cancel was accepted. */
  cancelledAt?: number | undefined;
}

/** A job's state at one instant: its status, the times of its transitions so far (ms), and its lines done. */
export interface JobPhase {
  status: BatchStatus;
  /** When the job expires (or expired). */
  expiresAt: number;
  inProgressAt?: number;
  finalizingAt?: number;
  completedAt?: number;
  failedAt?: number;
  expiredAt?: number;
  cancellingAt?: number;
  cancelledAt?: number;
  /** Lines done, counted in the job's run order. */
  linesDone: number;
  /** When the job reached its final status; its files are written then. */
  endedAt?: number;
}

/** Statuses after which nothing changes. */
export const FINAL_STATUSES: ReadonlySet<BatchStatus> = new Set(['failed', 'completed', 'expired', 'cancelled']);

/**
 * The phase of a job at `now`, computed from its timeline alone: reading a job never changes it, and the same
 * timeline read at the same instant gives the same answer.
 */
export function jobPhase(timeline: JobTimeline, now: number): JobPhase {
  const { createdAt, lineCount, clock } = timeline;
  const validatedAt = createdAt + clock.validatingMs;
  const doneBy = (at: number): number => {
    if (at < validatedAt) return 0;
    if (clock.perRequestMs <= 0) return lineCount;
    return Math.min(lineCount, Math.floor((at - validatedAt) / clock.perRequestMs));
  };
  const expiry = expiryOf(timeline, validatedAt, doneBy);
  const cancel = timeline.cancelledAt;
  const phase: JobPhase = { status: 'validating', expiresAt: expiry.expiresAt, linesDone: 0 };

  if (cancel !== undefined && now >= cancel) {
    const cancelledAt = cancel + clock.cancellingMs;
    const ranFrom = timeline.failsValidation ? undefined : validatedAt;
    if (ranFrom !== undefined && ranFrom <= cancel) phase.inProgressAt = ranFrom;
    phase.linesDone = Math.min(doneBy(cancel), expiry.lines ?? lineCount);
    phase.cancellingAt = cancel;
    phase.status = 'cancelling';
    if (now >= cancelledAt) Object.assign(phase, { status: 'cancelled', cancelledAt, endedAt: cancelledAt });
    return phase;
  }
  if (timeline.failsValidation) {
    if (now >= validatedAt) Object.assign(phase, { status: 'failed', failedAt: validatedAt, endedAt: validatedAt });
    return phase;
  }
  if (expiry.at !== undefined && now >= expiry.at) {
    if (validatedAt <= expiry.at) phase.inProgressAt = validatedAt;
    return { ...phase, status: 'expired', expiredAt: expiry.at, endedAt: expiry.at, linesDone: expiry.lines ?? 0 };
  }
  if (now < validatedAt) return phase;
  phase.inProgressAt = validatedAt;
  phase.linesDone = doneBy(now);
  phase.status = 'in_progress';
  const finalizingAt = validatedAt + lineCount * Math.max(0, clock.perRequestMs);
  if (now < finalizingAt) return phase;
  const completedAt = finalizingAt + clock.finalizingMs + timeline.extraFinalizingMs;
  Object.assign(phase, { status: 'finalizing', finalizingAt, linesDone: lineCount });
  if (now >= completedAt) Object.assign(phase, { status: 'completed', completedAt, endedAt: completedAt });
  return phase;
}

/**
 * When the job expires and how many lines are done by then: an `expire` fault's count, or the window when it closes
 * before the last line is done. `at` is undefined for a job that finishes in time.
 */
function expiryOf(
  timeline: JobTimeline,
  validatedAt: number,
  doneBy: (at: number) => number,
): { expiresAt: number; at?: number; lines?: number } {
  const { clock, lineCount } = timeline;
  if (timeline.expireAfterLines !== undefined) {
    const lines = Math.min(lineCount, timeline.expireAfterLines);
    const at = validatedAt + lines * Math.max(0, clock.perRequestMs);
    return { expiresAt: at, at, lines };
  }
  const expiresAt = timeline.createdAt + clock.windowMs;
  const allDoneAt = validatedAt + lineCount * Math.max(0, clock.perRequestMs);
  return allDoneAt > expiresAt ? { expiresAt, at: expiresAt, lines: doneBy(expiresAt) } : { expiresAt };
}

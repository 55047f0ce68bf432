import type { Client } from '@temporalio/client';
import type { Pool } from '../db/pool.js';
import { claimDueWorkflowStarts, releaseWorkflowStart } from '../db/workflow-starts.js';
import type { Logger } from '../logger.js';
import { startOwedWorkflow } from './workflow-start.js';

export interface ReconcilerDeps {
  pool: Pool;
  client: Client;
  logger: Logger;
}

export interface ReconcilerOptions {
  /** Time between passes, ms (a pass also runs at start-up). */
  intervalMs: number;
  /** Time one start may take before Temporal counts as unavailable for this pass, ms. */
  startTimeoutMs: number;
  /**
   * Starts claimed per pass.
   * @default 100
   */
  batchSize?: number;
  /** Starts sent at once within a pass. @default 8 */
  concurrency?: number;
}

/** A claimed row is left to its reconciler this long; far above a pass's duration, so only a crash expires it. */
const LEASE_MS = 120_000;

/**
 * One pass: claims the starts that are due and starts their workflows. Stops at the first start Temporal does not
 * accept (it is down or overloaded: the rest wait for the next pass instead of each timing out in turn).
 */
export async function reconcileOnce(
  deps: ReconcilerDeps,
  options: ReconcilerOptions,
): Promise<{ started: number; failed: number; error?: string }> {
  const due = await claimDueWorkflowStarts(deps.pool, options.batchSize ?? 100, LEASE_MS);
  const concurrency = options.concurrency ?? 8;
  let started = 0;
  for (let i = 0; i < due.length; i += concurrency) {
    const group = due.slice(i, i + concurrency);
    const outcomes = await Promise.all(group.map((start) => startOwedWorkflow(deps, start, options.startTimeoutMs)));
    started += outcomes.filter((o) => o.started).length;
    const failure = outcomes.find((o) => !o.started);
    if (failure && !failure.started) {
      const rest = due.slice(i + concurrency);
      await Promise.all(rest.map((start) => releaseWorkflowStart(deps.pool, start.workflowId)));
      return { started, failed: due.length - started, error: failure.error };
    }
  }
  return { started, failed: 0 };
}

export interface Reconciler {
  /** Ends the loop after the pass in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs {@link reconcileOnce} at start-up and every `intervalMs` until stopped. It lives in the worker rather than in
 * a Temporal Schedule because Temporal is what may have been down: the outbox is in PostgreSQL, and so is the
 * loop's state. Every worker process runs one; claims keep them off each other's rows.
 */
export function startReconciler(deps: ReconcilerDeps, options: ReconcilerOptions): Reconciler {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;
  let failing = false;
  const pass = async () => {
    try {
      const result = await reconcileOnce(deps, options);
      if (result.started > 0) deps.logger.info({ started: result.started }, 'reconciler started owed workflows');
      if (result.error !== undefined && !failing) {
        deps.logger.warn({ owed: result.failed, error: result.error }, 'reconciler: Temporal did not accept starts');
      }
      failing = result.error !== undefined;
    } catch (err) {
      // The database is down: the outbox waits where it is.
      if (!failing) deps.logger.warn({ err }, 'reconciler pass failed');
      failing = true;
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await pass();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, options.intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake();
      await loop;
    },
  };
}

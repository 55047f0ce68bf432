import type { Client } from '@temporalio/client';
import type { Pool } from '../db/pool.js';

/** Time each dependency gets to answer: both run at once, so `/healthz` answers well inside 2 s. */
export const HEALTH_CHECK_TIMEOUT_MS = 1_500;

export type DependencyState = 'ok' | 'unreachable';

export interface Health {
  status: 'ok' | 'degraded';
  database: DependencyState;
  temporal: DependencyState;
  /** The dependencies that did not answer in time, by name; absent when all did. */
  down?: ('database' | 'temporal')[];
}

/** Resolves `ok` when `check` settles successfully within `timeoutMs`, else `unreachable` (never rejects). */
async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<DependencyState>((resolve) => {
    timer = setTimeout(() => resolve('unreachable'), timeoutMs);
  });
  const answered = check().then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks the database and Temporal in parallel, each bounded by `timeoutMs`. Without a bound, a Temporal server
 * that is down holds the answer for the client's whole retry budget (about 18 s), long past any load balancer's
 * health-check timeout.
 */
export async function checkHealth(
  deps: { pool: Pool; client: Client },
  timeoutMs: number = HEALTH_CHECK_TIMEOUT_MS,
): Promise<Health> {
  const [database, temporal] = await Promise.all([
    probe(() => deps.pool.query('SELECT 1'), timeoutMs),
    // The deadline also cancels the gRPC call, so unanswered checks do not pile up while Temporal is down.
    probe(
      () => deps.client.withDeadline(Date.now() + timeoutMs, () => deps.client.workflowService.getSystemInfo({})),
      timeoutMs,
    ),
  ]);
  const down = [
    ...(database === 'ok' ? [] : (['database'] as const)),
    ...(temporal === 'ok' ? [] : (['temporal'] as const)),
  ];
  return down.length === 0 ? { status: 'ok', database, temporal } : { status: 'degraded', database, temporal, down };
}

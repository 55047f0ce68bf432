import type { Pool } from './pool.js';

export interface BucketSpec {
  name: string;
  /** Most tokens the bucket holds: the largest burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/**
 * Takes `cost` tokens from a bucket shared through the database by every worker process. Returns 0 when taken,
 * else how many milliseconds to wait before there will be enough. A cost above the capacity waits for a full bucket
 * (not forever) and then overdraws it: the whole cost is taken, and later callers wait until the debt is refilled,
 * so the rate over time stays the refill rate whatever the sizes.
 */
export async function takeTokens(pool: Pool, spec: BucketSpec, cost: number): Promise<number> {
  const need = Math.min(cost, spec.capacity);
  const { rows } = await pool.query<{ taken: boolean; available: number }>(
    `WITH seed AS (
       INSERT INTO rate_buckets (name, tokens) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING tokens
     ),
     current AS (
       SELECT LEAST($2, tokens + EXTRACT(EPOCH FROM clock_timestamp() - updated_at) * $3) AS available
       FROM rate_buckets WHERE name = $1 FOR UPDATE
     ),
     taken AS (
       UPDATE rate_buckets SET tokens = current.available - $5, updated_at = clock_timestamp()
       FROM current WHERE name = $1 AND current.available >= $4
       RETURNING 1
     )
     SELECT EXISTS (SELECT 1 FROM taken) AS taken,
            coalesce((SELECT available FROM current), (SELECT tokens FROM seed), $2)::float8 AS available`,
    [spec.name, spec.capacity, spec.refillPerSecond, need, cost],
  );
  const row = rows[0];
  if (!row || row.taken) return 0;
  return Math.max(1, Math.ceil(((need - row.available) / spec.refillPerSecond) * 1000));
}

/** Returns tokens taken but not used (e.g. the unused part of an output reservation). */
export async function returnTokens(pool: Pool, spec: BucketSpec, amount: number): Promise<void> {
  if (amount <= 0) return;
  await pool.query(
    `UPDATE rate_buckets
     SET tokens = LEAST($2, tokens + EXTRACT(EPOCH FROM clock_timestamp() - updated_at) * $3 + $4),
         updated_at = clock_timestamp()
     WHERE name = $1`,
    [spec.name, spec.capacity, spec.refillPerSecond, amount],
  );
}

export interface BudgetState {
  day: string;
  spentUsd: number;
  reservedUsd: number;
}

/**
 * Reserves `costUsd` of today's (UTC) budget before a call. Atomic, so concurrent workers can never reserve past
 * the budget together. Returns the state after the reservation, or `undefined` when it would exceed the budget.
 */
export async function reserveBudget(pool: Pool, budgetUsd: number, costUsd: number): Promise<BudgetState | undefined> {
  const { rows } = await pool.query<{ day: string; spent_usd: number; reserved_usd: number }>(
    `WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS day),
     seed AS (INSERT INTO budget_days (day) SELECT day FROM today ON CONFLICT (day) DO NOTHING)
     UPDATE budget_days SET reserved_usd = reserved_usd + $2
     FROM today
     WHERE budget_days.day = today.day AND budget_days.spent_usd + budget_days.reserved_usd + $2 <= $1
     RETURNING budget_days.day::text AS day, spent_usd, reserved_usd`,
    [budgetUsd, costUsd],
  );
  if (rows[0]) return { day: rows[0].day, spentUsd: rows[0].spent_usd, reservedUsd: rows[0].reserved_usd };
  // The seed row may not have existed yet within the same statement: retry once against the committed row.
  const retry = await pool.query<{ day: string; spent_usd: number; reserved_usd: number }>(
    `UPDATE budget_days SET reserved_usd = reserved_usd + $2
     WHERE day = (now() AT TIME ZONE 'UTC')::date AND spent_usd + reserved_usd + $2 <= $1
     RETURNING day::text AS day, spent_usd, reserved_usd`,
    [budgetUsd, costUsd],
  );
  const r = retry.rows[0];
  return r ? { day: r.day, spentUsd: r.spent_usd, reservedUsd: r.reserved_usd } : undefined;
}

/** Replaces a call's reservation with what it actually cost. */
export async function settleBudget(
  pool: Pool,
  day: string,
  reservedUsd: number,
  actualUsd: number,
): Promise<BudgetState> {
  const { rows } = await pool.query<{ day: string; spent_usd: number; reserved_usd: number }>(
    // Reservations are floats: a remainder under a picodollar is rounding, not money in flight.
    `UPDATE budget_days
     SET reserved_usd = CASE WHEN reserved_usd - $2 < 1e-12 THEN 0 ELSE reserved_usd - $2 END, spent_usd = spent_usd + $3
     WHERE day = $1::date RETURNING day::text AS day, spent_usd, reserved_usd`,
    [day, reservedUsd, actualUsd],
  );
  const r = rows[0];
  return { day, spentUsd: r?.spent_usd ?? actualUsd, reservedUsd: r?.reserved_usd ?? 0 };
}

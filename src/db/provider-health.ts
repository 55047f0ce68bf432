import type { Pool } from './pool.js';

/**
 * The provider's health as every worker and the API see it (one row of `provider_health`): the outage breaker, its
 * probe lease, the time before which no call may go, and the rate-limit storm. Times come from the database clock,
 * so that workers on different machines agree.
 */
export interface ProviderHealth {
  breaker: 'closed' | 'open';
  /** Transient failures (not rate limits) since the last success, across documents. */
  consecutiveFailures: number;
  openedAt: Date | null;
  closedAt: Date | null;
  /** Probe calls made since the row was created. */
  probes: number;
  nextProbeAt: Date | null;
  /** No call before this (the provider's Retry-After or exhausted `x-ratelimit-*` headers). */
  holdUntil: Date | null;
  lastSuccessAt: Date | null;
  /** The first rate limit since the last success. */
  rateLimitedSince: Date | null;
  /** When the rate-limit storm alert was raised (rate limits and no success for the alert time). */
  rateLimitAlertedAt: Date | null;
}

const ROW = 'llm';

/** Reads the provider's health; `undefined` when the migration that creates it has not run. */
export async function readProviderHealth(pool: Pool): Promise<ProviderHealth | undefined> {
  const { rows } = await pool.query<{
    breaker: 'closed' | 'open';
    consecutive_failures: number;
    opened_at: Date | null;
    closed_at: Date | null;
    probes: number;
    next_probe_at: Date | null;
    hold_until: Date | null;
    last_success_at: Date | null;
    rate_limited_since: Date | null;
    rate_limit_alerted_at: Date | null;
  }>(`SELECT * FROM provider_health WHERE name = $1`, [ROW]);
  const r = rows[0];
  if (!r) return undefined;
  return {
    breaker: r.breaker,
    consecutiveFailures: r.consecutive_failures,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    probes: r.probes,
    nextProbeAt: r.next_probe_at,
    holdUntil: r.hold_until,
    lastSuccessAt: r.last_success_at,
    rateLimitedSince: r.rate_limited_since,
    rateLimitAlertedAt: r.rate_limit_alerted_at,
  };
}

/** What a caller may do now: call, call as the one probe of an open breaker, or wait. */
export interface ProviderGate {
  breaker: 'closed' | 'open';
  /** This caller holds the probe lease: its call checks whether the provider is back. */
  probe: boolean;
  /** Milliseconds before any call may go (a hold), 0 when none. */
  holdMs: number;
  /** Milliseconds before the next probe is due (open breaker), 0 when due. */
  nextProbeMs: number;
}

/**
 * Reads the gate before a call. With the breaker open and the next probe due, takes the probe lease for `leaseMs`
 * (one holder at a time across every worker; a holder that dies loses it when it expires).
 */
export async function passGate(pool: Pool, holder: string, leaseMs: number): Promise<ProviderGate> {
  const { rows } = await pool.query<{ breaker: 'closed' | 'open'; probe: boolean; hold_ms: number; probe_ms: number }>(
    `WITH lease AS (
       UPDATE provider_health
       SET probe_holder = $2, probe_lease_until = clock_timestamp() + make_interval(secs => $3 / 1000.0),
           probes = probes + 1
       WHERE name = $1 AND breaker = 'open'
         AND (hold_until IS NULL OR hold_until <= clock_timestamp())
         AND (next_probe_at IS NULL OR next_probe_at <= clock_timestamp())
         AND (probe_lease_until IS NULL OR probe_lease_until < clock_timestamp())
       RETURNING 1
     )
     SELECT breaker, EXISTS (SELECT 1 FROM lease) AS probe,
            greatest(0, EXTRACT(EPOCH FROM hold_until - clock_timestamp()) * 1000)::float8 AS hold_ms,
            greatest(0, EXTRACT(EPOCH FROM next_probe_at - clock_timestamp()) * 1000)::float8 AS probe_ms
     FROM provider_health WHERE name = $1`,
    [ROW, holder, leaseMs],
  );
  const r = rows[0];
  if (!r) return { breaker: 'closed', probe: false, holdMs: 0, nextProbeMs: 0 };
  return { breaker: r.breaker, probe: r.probe, holdMs: Math.ceil(r.hold_ms ?? 0), nextProbeMs: r.probe_ms ?? 0 };
}

/** What a success changed: the breaker closed, the rate-limit storm (alerted) ended. */
export interface SuccessEffect {
  closed: boolean;
  /** How long the breaker was open, when this success closed it. */
  openForMs?: number;
  stormEnded: boolean;
}

/**
 * Records an answer from the provider: the breaker closes, the failure streak and the rate-limit storm end. Writes
 * only when something changes (or once a second, to keep `last_success_at` fresh), so successes at a high rate do
 * not queue on the row.
 */
export async function recordProviderSuccess(pool: Pool): Promise<SuccessEffect> {
  const { rows } = await pool.query<{ was: string; alerted: Date | null; open_ms: number | null }>(
    `WITH old AS (SELECT * FROM provider_health WHERE name = $1 FOR UPDATE)
     UPDATE provider_health p
     SET breaker = 'closed', consecutive_failures = 0, failing_documents = '{}',
         closed_at = CASE WHEN old.breaker = 'open' THEN clock_timestamp() ELSE p.closed_at END,
         probe_holder = NULL, probe_lease_until = NULL, next_probe_at = NULL, probe_backoff_ms = 0,
         last_success_at = clock_timestamp(), rate_limited_since = NULL, rate_limit_alerted_at = NULL,
         updated_at = clock_timestamp()
     FROM old
     WHERE p.name = old.name
       AND (old.breaker = 'open' OR old.consecutive_failures > 0 OR old.rate_limited_since IS NOT NULL
            OR old.last_success_at IS NULL OR old.last_success_at < clock_timestamp() - interval '1 second')
     RETURNING old.breaker AS was, old.rate_limit_alerted_at AS alerted,
               (EXTRACT(EPOCH FROM clock_timestamp() - old.opened_at) * 1000)::float8 AS open_ms`,
    [ROW],
  );
  const r = rows[0];
  if (!r) return { closed: false, stormEnded: false };
  const closed = r.was === 'open';
  return {
    closed,
    ...(closed && r.open_ms !== null ? { openForMs: Math.round(r.open_ms) } : {}),
    stormEnded: r.alerted !== null,
  };
}

/** How the breaker opens. */
export interface BreakerPolicy {
  /** Transient failures in a row, with no success in between, that open the breaker. */
  threshold: number;
  /** Distinct documents among those failures at least: one failing input alone is a poison input, not an outage. */
  minDocuments: number;
  /** Wait before the first probe; it doubles after each failed probe up to `maxProbeIntervalMs`. */
  firstProbeAfterMs: number;
  maxProbeIntervalMs: number;
}

/** What a transient failure changed. */
export interface FailureEffect {
  /** This failure opened the breaker. */
  opened: boolean;
  /** The breaker is open now: the failure is part of an outage, not of the document's own ceiling. */
  open: boolean;
}

/**
 * Records a transient failure (server error, connection error, timeout; never a rate limit) of `documentId`. When the
 * streak reaches the policy, the breaker opens and the first probe is due after `firstProbeAfterMs`. When `probeOf`
 * holds the lease, the failed probe releases it and the next one waits twice as long (up to the maximum).
 */
export async function recordProviderFailure(
  pool: Pool,
  documentId: string,
  policy: BreakerPolicy,
  probeOf?: string,
): Promise<FailureEffect> {
  const { rows } = await pool.query<{ was: string; now: string }>(
    `WITH old AS (SELECT * FROM provider_health WHERE name = $1 FOR UPDATE),
     next AS (
       SELECT old.breaker AS was, old.consecutive_failures + 1 AS failures,
              CASE WHEN $2 = ANY (old.failing_documents) THEN old.failing_documents
                   ELSE (old.failing_documents || $2::text)[greatest(1, cardinality(old.failing_documents) + 2 - $4):]
              END AS docs
       FROM old
     ),
     decided AS (SELECT *, was = 'open' OR (failures >= $3 AND cardinality(docs) >= $4) AS open FROM next)
     UPDATE provider_health p
     SET consecutive_failures = d.failures, failing_documents = d.docs,
         breaker = CASE WHEN d.open THEN 'open' ELSE 'closed' END,
         opened_at = CASE WHEN d.open AND d.was = 'closed' THEN clock_timestamp() ELSE p.opened_at END,
         next_probe_at = CASE
           WHEN d.open AND d.was = 'closed' THEN clock_timestamp() + make_interval(secs => $5 / 1000.0)
           WHEN $7::text IS NOT NULL AND p.probe_holder = $7 THEN
             clock_timestamp() + make_interval(secs => least($6, greatest($5, p.probe_backoff_ms * 2)) / 1000.0)
           ELSE p.next_probe_at END,
         probe_backoff_ms = CASE
           WHEN d.open AND d.was = 'closed' THEN $5
           WHEN $7::text IS NOT NULL AND p.probe_holder = $7 THEN least($6, greatest($5, p.probe_backoff_ms * 2))
           ELSE p.probe_backoff_ms END,
         probe_holder = CASE WHEN $7::text IS NOT NULL AND p.probe_holder = $7 THEN NULL ELSE p.probe_holder END,
         probe_lease_until = CASE
           WHEN $7::text IS NOT NULL AND p.probe_holder = $7 THEN NULL ELSE p.probe_lease_until END,
         updated_at = clock_timestamp()
     FROM decided d
     WHERE p.name = $1
     RETURNING d.was, p.breaker AS now`,
    [
      ROW,
      documentId,
      policy.threshold,
      policy.minDocuments,
      policy.firstProbeAfterMs,
      policy.maxProbeIntervalMs,
      probeOf ?? null,
    ],
  );
  const r = rows[0];
  if (!r) return { opened: false, open: false };
  return { opened: r.was === 'closed' && r.now === 'open', open: r.now === 'open' };
}

/** Holds every call on every worker for `ms` from now (a later hold already noted stands). */
export async function holdProvider(pool: Pool, ms: number): Promise<void> {
  await pool.query(
    `UPDATE provider_health
     SET hold_until = greatest(coalesce(hold_until, clock_timestamp()), clock_timestamp() + make_interval(secs => $2 / 1000.0))
     WHERE name = $1`,
    [ROW, ms],
  );
}

/**
 * Records a rate limit: the storm starts with the first one since the last success. Returns `alert: true` exactly
 * once per storm, to the caller that finds it has lasted `alertAfterMs` with no success anywhere.
 */
export async function recordRateLimited(
  pool: Pool,
  alertAfterMs: number,
): Promise<{ alert: boolean; since: Date | null }> {
  const { rows } = await pool.query<{ since: Date | null; alert: boolean }>(
    `WITH old AS (SELECT * FROM provider_health WHERE name = $1 FOR UPDATE)
     UPDATE provider_health p
     SET rate_limited_since = coalesce(old.rate_limited_since, clock_timestamp()),
         rate_limit_alerted_at = CASE
           WHEN old.rate_limit_alerted_at IS NULL AND old.rate_limited_since IS NOT NULL
                AND old.rate_limited_since <= clock_timestamp() - make_interval(secs => $2 / 1000.0)
           THEN clock_timestamp() ELSE old.rate_limit_alerted_at END
     FROM old
     WHERE p.name = old.name
     RETURNING p.rate_limited_since AS since,
               (old.rate_limit_alerted_at IS NULL AND p.rate_limit_alerted_at IS NOT NULL) AS alert`,
    [ROW, alertAfterMs],
  );
  const r = rows[0];
  return { alert: r?.alert ?? false, since: r?.since ?? null };
}

/** Closes an open breaker: a probe got an answer that is not a transient failure (the provider is up). */
export async function closeBreaker(pool: Pool): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE provider_health
     SET breaker = 'closed', consecutive_failures = 0, failing_documents = '{}', closed_at = clock_timestamp(),
         probe_holder = NULL, probe_lease_until = NULL, next_probe_at = NULL, probe_backoff_ms = 0,
         updated_at = clock_timestamp()
     WHERE name = $1 AND breaker = 'open'`,
    [ROW],
  );
  return (rowCount ?? 0) > 0;
}

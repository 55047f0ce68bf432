import type { ProviderHealth } from '../db/provider-health.js';

/** The provider's health as `/healthz` and `docket report` show it. */
export interface ProviderHealthView {
  /** `open`: transient failures everywhere and no success; calls wait and one probe at a time checks the provider. */
  breaker: 'closed' | 'open';
  openedAt?: string;
  /** When the breaker last closed. */
  closedAt?: string;
  /** Transient failures in a row since the last success, across documents. */
  consecutiveFailures: number;
  nextProbeAt?: string;
  /** No call before this (the provider's Retry-After or exhausted rate-limit headers). */
  holdUntil?: string;
  lastSuccessAt?: string;
  /** Rate limits and no success since `since`; `alert` once that has lasted DOCKET_RATE_LIMIT_ALERT_AFTER. */
  rateLimitStorm?: { since: string; alert: boolean };
}

const iso = (d: Date | null) => (d ? { value: d.toISOString() } : undefined);

/** Builds the view; `alertAfterMs` is DOCKET_RATE_LIMIT_ALERT_AFTER. */
export function providerHealthView(health: ProviderHealth, alertAfterMs: number, now = new Date()): ProviderHealthView {
  const view: ProviderHealthView = { breaker: health.breaker, consecutiveFailures: health.consecutiveFailures };
  const open = health.breaker === 'open';
  const fields: [keyof ProviderHealthView, Date | null, boolean][] = [
    ['openedAt', health.openedAt, open],
    ['closedAt', health.closedAt, !open],
    ['nextProbeAt', health.nextProbeAt, open],
    ['holdUntil', health.holdUntil, health.holdUntil !== null && health.holdUntil > now],
    ['lastSuccessAt', health.lastSuccessAt, true],
  ];
  for (const [key, date, shown] of fields) {
    const value = shown ? iso(date) : undefined;
    if (value) Object.assign(view, { [key]: value.value });
  }
  if (health.rateLimitedSince) {
    const alert =
      health.rateLimitAlertedAt !== null || now.getTime() - health.rateLimitedSince.getTime() >= alertAfterMs;
    view.rateLimitStorm = { since: health.rateLimitedSince.toISOString(), alert };
  }
  return view;
}

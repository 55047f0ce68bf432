import { z } from 'zod';
import type { ProviderHealth } from '../db/provider-health.js';

/** The provider's health as `/healthz` and `docket report` show it; keys in the order they are written. */
export const providerHealthViewSchema = z.object({
  breaker: z
    .enum(['closed', 'open'])
    .describe(
      '`open`: transient failures everywhere and no success; calls wait and one probe at a time checks the provider.',
    ),
  consecutiveFailures: z.number().describe('Transient failures in a row since the last success, across documents.'),
  openedAt: z.string().optional(),
  closedAt: z.string().optional().describe('When the breaker last closed.'),
  nextProbeAt: z.string().optional(),
  holdUntil: z
    .string()
    .optional()
    .describe("No call before this (the provider's Retry-After or exhausted rate-limit headers)."),
  lastSuccessAt: z.string().optional(),
  rateLimitStorm: z
    .object({ since: z.string(), alert: z.boolean() })
    .optional()
    .describe('Rate limits and no success since `since`; `alert` once that has lasted DOCKET_RATE_LIMIT_ALERT_AFTER.'),
});
export type ProviderHealthView = z.infer<typeof providerHealthViewSchema>;

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
    if (shown && date) Object.assign(view, { [key]: date.toISOString() });
  }
  if (health.rateLimitedSince) {
    const alert =
      health.rateLimitAlertedAt !== null || now.getTime() - health.rateLimitedSince.getTime() >= alertAfterMs;
    view.rateLimitStorm = { since: health.rateLimitedSince.toISOString(), alert };
  }
  return view;
}

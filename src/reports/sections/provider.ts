import { z } from 'zod';
import type { ProviderHealth } from '../../db/provider-health.js';
import { providerHealthView, providerHealthViewSchema } from '../provider-health.js';

export const providerSectionSchema = providerHealthViewSchema.extend({
  outageCalls: z
    .number()
    .describe("Failed calls made while the outage breaker was open (not counted toward any document's ceiling)."),
});
/** The provider now (outage breaker, hold, rate-limit storm) and the calls of the window that failed in an outage. */
export type ProviderSection = z.infer<typeof providerSectionSchema>;

/** DOCKET_RATE_LIMIT_ALERT_AFTER's default, for callers that do not pass it. */
export const DEFAULT_RATE_LIMIT_ALERT_AFTER_MS = 15 * 60_000;

/** The provider section; undefined when the database has no provider state yet. */
export function providerSection(
  health: ProviderHealth | undefined,
  outageCalls: number,
  { alertAfterMs, now }: { alertAfterMs: number; now: Date },
): ProviderSection | undefined {
  return health ? { ...providerHealthView(health, alertAfterMs, now), outageCalls } : undefined;
}

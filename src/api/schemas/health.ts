import { z } from '@hono/zod-openapi';
import type { Health } from '../health-check.js';
import { providerHealthViewSchema } from '../../reports/provider-health.js';
import { assertSameType } from './same-type.js';

/** The LLM provider as the workers see it: the outage breaker and the rate-limit storm alert. */
export const providerSchema = providerHealthViewSchema;

/** `GET /healthz`, healthy (`200`) or degraded (`503`). */
export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'unreachable']),
    temporal: z.enum(['ok', 'unreachable']),
    provider: providerSchema.optional(),
    down: z
      .array(z.enum(['database', 'temporal']))
      .optional()
      .openapi({ description: 'The dependencies that did not answer within 1.5 s (absent when all did)' }),
  })
  .openapi('Health');
assertSameType<Omit<z.infer<typeof healthSchema>, 'provider'>, Health>();

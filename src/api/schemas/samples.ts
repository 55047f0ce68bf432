import { z } from '@hono/zod-openapi';
import type { listSamples } from '../../db/queries.js';
import { assertSameType, type Json } from './same-type.js';

/** A stored prompt and response (`GET /v1/samples`); they hold document text, hence admin only. */
export const sampleSchema = z
  .object({
    callKey: z.string(),
    documentId: z.string(),
    reason: z.string().openapi({ description: '`sampled` or `failure`' }),
    request: z.unknown().openapi({ description: 'The request sent to the provider, as JSON' }),
    response: z.unknown().openapi({ description: "The provider's answer (or error), as JSON" }),
    createdAt: z.string().openapi({ description: 'ISO 8601' }),
    model: z.string(),
    outcome: z.string(),
    errorType: z.string().nullable(),
  })
  .openapi('Sample');
assertSameType<z.infer<typeof sampleSchema>, Json<Awaited<ReturnType<typeof listSamples>>[number]>>();

/** `GET /v1/samples`: samples, newest first. */
export const samplesSchema = z.object({ samples: z.array(sampleSchema) }).openapi('Samples');

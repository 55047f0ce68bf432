import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { ApiToken } from '../../config.js';
import type { Pool } from '../../db/pool.js';
import { eraseDocument } from '../../documents/erase.js';
import type { Logger } from '../../logger.js';
import { requireRole, type Principal } from '../auth.js';
import { HttpError } from '../http-error.js';
import { errorSchema, idParam } from '../schemas.js';

/** `200` answer of `DELETE /v1/documents/:id`: what the erasure removed and what it kept. */
export const erasureSchema = z
  .object({
    id: z.string(),
    outcome: z.enum(['erased', 'already_erased']).openapi({
      description: '`already_erased` when an earlier erasure removed the data; whatever was left is retried',
    }),
    erasedAt: z.string().openapi({ description: 'When the document was (last) erased, ISO 8601' }),
    stoppedWorkflow: z.enum(['cancelled', 'terminated', 'none']).openapi({
      description: 'A running classification is cancelled first (terminated if it does not close in time)',
    }),
    removed: z.object({
      documents: z.number().int(),
      results: z.number().int(),
      samples: z.number().int(),
      batchMemberships: z.number().int(),
    }),
    deletedHistories: z
      .array(z.string())
      .openapi({ description: 'Temporal workflow runs deleted, as `workflowId/runId`' }),
    keptHistories: z
      .array(z.object({ workflowId: z.string(), runId: z.string(), reason: z.string() }))
      .openapi({ description: 'Runs of batches still going that recorded the result; erase again once they end' }),
    ledgerCallsKept: z
      .number()
      .int()
      .openapi({ description: 'Call ledger rows kept for cost and token accounting (ids and numbers, no text)' }),
  })
  .openapi('Erasure');

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** `DELETE /v1/documents/:id` (admin): erases a document's data and its workflow histories (idempotent). */
export function registerEraseRoutes(
  app: OpenAPIHono<{ Variables: { principal: Principal } }>,
  deps: { pool: Pool; client: Client; logger: Logger },
  tokens: readonly ApiToken[],
): void {
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/documents/{id}',
      summary: "Erase a document's text, metadata, result, samples and workflow histories (idempotent)",
      security: [{ bearer: [] }],
      middleware: [requireRole(tokens, 'admin')] as const,
      request: { params: idParam },
      responses: {
        200: json(erasureSchema, 'Erased now, or already erased'),
        400: json(errorSchema, 'What to fix'),
        401: json(errorSchema, 'No valid bearer token'),
        403: json(errorSchema, 'Not an admin token'),
        404: json(errorSchema, 'No document with this id was ever stored'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await eraseDocument(deps, id, { reason: 'request', erasedBy: c.get('principal').name });
      if (!result) throw new HttpError('not_found', `no document with id ${id} was ever stored`);
      return c.json(result, 200);
    },
  );
}

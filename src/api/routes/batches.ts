import { createRoute } from '@hono/zod-openapi';
import { getBatchView, submitBatch } from '../../documents/batch.js';
import { batchAcceptedSchema, batchViewSchema } from '../../documents/schemas.js';
import { jsonBodyOnPost } from '../json-body.js';
import { errorResponse, errors, json, needsRole, security, type ApiApp, type AppDeps } from '../openapi.js';
import { batchSchema } from '../schemas/requests.js';
import { idParam } from '../validation.js';

/** Hard cap of a batch request's body, whatever DOCKET_MAX_BATCH_DOCUMENTS allows. */
const MAX_BATCH_BODY_BYTES = 512 * 1024 * 1024;

/** `POST /v1/batches` (many documents at once, one workflow) and `GET /v1/batches/{id}` (counts and cost so far). */
export function registerBatchRoutes(app: ApiApp, deps: AppDeps): void {
  const { maxDocumentBytes, maxBatchDocuments } = deps.config.api;
  const bodyLimit = Math.min(maxDocumentBytes * 6 * maxBatchDocuments, MAX_BATCH_BODY_BYTES);
  app.use('/v1/batches', jsonBodyOnPost(bodyLimit));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/batches',
      summary: 'Submit many documents',
      security,
      middleware: [needsRole(deps.config, 'submitter')] as const,
      request: { body: { content: { 'application/json': { schema: batchSchema } }, required: true } },
      responses: {
        202: json(batchAcceptedSchema, 'Accepted'),
        ...errors(400, 401, 403, 415),
        409: errorResponse('An id exists with other text'),
        413: errorResponse('Over DOCKET_MAX_BATCH_DOCUMENTS or DOCKET_MAX_DOCUMENT_BYTES'),
      },
    }),
    async (c) => c.json(await submitBatch(deps, c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/batches/{id}',
      summary: "A batch's counts per status and cost so far",
      security,
      middleware: [needsRole(deps.config)] as const,
      request: { params: idParam },
      responses: {
        200: json(batchViewSchema, 'The batch'),
        ...errors(400, 401, 404),
        503: errorResponse('Temporal did not answer in time: the statuses are unknown for now'),
      },
    }),
    async (c) => c.json(await getBatchView(deps, c.req.valid('param').id), 200),
  );
}

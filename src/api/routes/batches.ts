import { createRoute, type z } from '@hono/zod-openapi';
import { getBatchView, submitBatch } from '../../documents/batch.js';
import { cancelBatch } from '../../documents/cancel-batch.js';
import { submitFileBatch } from '../../documents/submit-file-batch.js';
import { batchAcceptedSchema, batchCancelledSchema, batchViewSchema } from '../../documents/schemas.js';
import { documentBodyOnPost, FORM_OVERHEAD_BYTES, isMultipart } from '../multipart.js';
import {
  documentBodyAsRequired,
  EITHER_BODY_REQUIRED,
  errorResponse,
  errors,
  json,
  needsRole,
  security,
  type ApiApp,
  type AppDeps,
} from '../openapi.js';
import { batchSchema, fileBatchSchema } from '../schemas/requests.js';
import { idParam } from '../validation.js';

/** Hard cap of a batch request's body, whatever DOCKET_MAX_BATCH_DOCUMENTS allows. */
const MAX_BATCH_BODY_BYTES = 512 * 1024 * 1024;

/**
 * Bytes of files one multipart batch request may carry (or one DOCKET_MAX_FILE_BYTES file, if larger): the request
 * is held in memory while its files are checked, so a large folder goes as several batches (the CLI splits it).
 */
export const MAX_FILE_BATCH_BYTES = 64 * 1024 * 1024;

/** `POST /v1/batches` (many documents at once, one workflow) and `GET /v1/batches/{id}` (counts and cost so far). */
export function registerBatchRoutes(app: ApiApp, deps: AppDeps): void {
  registerSubmitBatch(app, deps);
  registerBatchView(app, deps);
  registerCancelBatch(app, deps);
}

function registerSubmitBatch(app: ApiApp, deps: AppDeps): void {
  const { maxDocumentBytes, maxBatchDocuments, maxFileBytes } = deps.config.api;
  const fileBytes = Math.max(maxFileBytes, MAX_FILE_BATCH_BYTES);
  app.use(
    '/v1/batches',
    documentBodyOnPost({
      jsonBytes: Math.min(maxDocumentBytes * 6 * maxBatchDocuments, MAX_BATCH_BODY_BYTES),
      multipartBytes: fileBytes + FORM_OVERHEAD_BYTES,
      tooLarge: (bytes) =>
        `the body is ${bytes === undefined ? 'larger than that' : `${bytes} bytes`}; a batch of files may carry at ` +
        `most ${fileBytes} bytes per request: split it into several batches`,
    }),
  );
  const route = createRoute({
    method: 'post',
    path: '/v1/batches',
    summary: 'Submit many documents: texts as JSON, or files as multipart/form-data (one part named file each)',
    security,
    middleware: [needsRole(deps.config, 'submitter')] as const,
    request: {
      body: {
        content: {
          'application/json': { schema: batchSchema },
          'multipart/form-data': { schema: fileBatchSchema },
        },
        required: EITHER_BODY_REQUIRED,
      },
    },
    responses: {
      202: json(batchAcceptedSchema, 'Accepted'),
      ...errors(400, 401, 403),
      409: errorResponse('An id exists with other text'),
      413: errorResponse(
        `Over DOCKET_MAX_BATCH_DOCUMENTS or DOCKET_MAX_DOCUMENT_BYTES; a file over DOCKET_MAX_FILE_BYTES, or files over ${MAX_FILE_BATCH_BYTES} bytes in one request`,
      ),
      415: errorResponse(
        'Neither application/json nor multipart/form-data, or a file of a type Docket does not read (the message names it and lists those it reads)',
      ),
    },
  });
  app.openapi(route, async (c) => {
    // zod-openapi types each target as any of the declared bodies; only the one of the request's type was validated.
    if (!isMultipart(c.req.header('content-type'))) {
      return c.json(await submitBatch(deps, c.req.valid('json') as z.output<typeof batchSchema>), 202);
    }
    const form = c.req.valid('form') as z.output<typeof fileBatchSchema>;
    const files = await Promise.all(
      form.file.map(async (file) => ({ bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name })),
    );
    const batch = {
      files,
      ...(form.metadata !== undefined ? { metadata: form.metadata } : {}),
      ...(form.taxonomy !== undefined ? { taxonomy: form.taxonomy } : {}),
      ...(form.mode !== undefined ? { mode: form.mode } : {}),
    };
    return c.json(await submitFileBatch(deps, batch), 202);
  });
  documentBodyAsRequired(route);
}

function registerBatchView(app: ApiApp, deps: AppDeps): void {
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

function registerCancelBatch(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/batches/{id}/cancel',
      summary:
        'Cancel a batch: its running documents end failed (cancelled), and Batch API jobs nobody waits for are cancelled',
      security,
      middleware: [needsRole(deps.config, 'submitter')] as const,
      request: { params: idParam },
      responses: {
        200: json(batchCancelledSchema, 'What was cancelled'),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => c.json(await cancelBatch(deps, c.req.valid('param').id), 200),
  );
}

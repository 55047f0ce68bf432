import { createRoute, type z } from '@hono/zod-openapi';
import { eraseDocument } from '../../documents/erase.js';
import { resumeAll, resumeDocument } from '../../documents/resume.js';
import {
  acceptedSchema,
  documentTextSchema,
  documentViewSchema,
  erasureSchema,
  resumedSchema,
} from '../../documents/schemas.js';
import { submitFile, type SubmitFile } from '../../documents/submit-file.js';
import { submitDocument } from '../../documents/submit.js';
import { getDocumentText } from '../../documents/text.js';
import { getDocumentView } from '../../documents/view.js';
import { HttpError } from '../http-error.js';
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
import { submitDocumentSchema, submitFileSchema } from '../schemas/requests.js';
import { idParam } from '../validation.js';

/**
 * A document: `POST /v1/documents` (submit), `GET /v1/documents/{id}` (its status and result), `.../text` (its
 * whole text), `DELETE /v1/documents/{id}` (erase), and the operator's `.../resume` and `POST /v1/resume`.
 */
export function registerDocumentRoutes(app: ApiApp, deps: AppDeps): void {
  registerSubmit(app, deps);
  registerView(app, deps);
  registerErase(app, deps);
  registerResume(app, deps);
}

function registerSubmit(app: ApiApp, deps: AppDeps): void {
  const { maxDocumentBytes, maxFileBytes } = deps.config.api;
  app.use(
    '/v1/documents',
    documentBodyOnPost({
      // A JSON-escaped document may take six bytes per byte of text, plus the metadata beside it.
      jsonBytes: maxDocumentBytes * 6 + 64 * 1024,
      multipartBytes: maxFileBytes + FORM_OVERHEAD_BYTES,
      tooLarge: (bytes) =>
        `the body is ${bytes === undefined ? 'larger than that' : `${bytes} bytes`}; a file may be at most ` +
        `${maxFileBytes} bytes (DOCKET_MAX_FILE_BYTES): split it, or submit its text`,
    }),
  );
  const route = createRoute({
    method: 'post',
    path: '/v1/documents',
    summary: 'Submit a document for classification: its text as JSON, or a file as multipart/form-data',
    security,
    middleware: [needsRole(deps.config, 'submitter')] as const,
    request: {
      body: {
        content: {
          'application/json': { schema: submitDocumentSchema },
          'multipart/form-data': { schema: submitFileSchema },
        },
        required: EITHER_BODY_REQUIRED,
      },
    },
    responses: {
      202: json(
        acceptedSchema,
        'Stored; its workflow is running, or queued (stage `queued`) while Temporal is unavailable',
      ),
      ...errors(400, 401, 403),
      409: errorResponse('The id exists with other text or another file'),
      413: errorResponse('Text over DOCKET_MAX_DOCUMENT_BYTES, or a file over DOCKET_MAX_FILE_BYTES'),
      415: errorResponse(
        'Neither application/json nor multipart/form-data, or a file of a type Docket does not read (the message lists those it reads)',
      ),
    },
  });
  app.openapi(route, async (c) => {
    // zod-openapi types each target as any of the declared bodies; only the one of the request's type was validated.
    const { id, status, stage } = isMultipart(c.req.header('content-type'))
      ? await submitFile(deps, await submittedFile(c.req.valid('form') as z.output<typeof submitFileSchema>))
      : await submitDocument(deps, c.req.valid('json') as z.output<typeof submitDocumentSchema>);
    return c.json({ id, status, ...(stage ? { stage } : {}) }, 202);
  });
  documentBodyAsRequired(route);
}

/** The service's view of a validated multipart body. */
async function submittedFile(form: z.output<typeof submitFileSchema>): Promise<SubmitFile> {
  return {
    bytes: new Uint8Array(await form.file.arrayBuffer()),
    ...(form.file.name ? { fileName: form.file.name } : {}),
    ...(form.id !== undefined ? { id: form.id } : {}),
    ...(form.metadata !== undefined ? { metadata: form.metadata } : {}),
    ...(form.taxonomy !== undefined ? { taxonomy: form.taxonomy } : {}),
    ...(form.mode !== undefined ? { mode: form.mode } : {}),
  };
}

function registerView(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/documents/{id}',
      summary: "A document's status and result",
      security,
      middleware: [needsRole(deps.config)] as const,
      request: { params: idParam },
      responses: {
        200: json(documentViewSchema, 'The document'),
        ...errors(400, 401, 404),
        503: errorResponse('Temporal did not answer in time: the status is unknown for now'),
      },
    }),
    async (c) => c.json(await getDocumentView(deps, c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/documents/{id}/text',
      summary: "A document's whole text and metadata",
      security,
      middleware: [needsRole(deps.config)] as const,
      request: { params: idParam },
      responses: { 200: json(documentTextSchema, 'The text as submitted'), ...errors(400, 401, 404) },
    }),
    async (c) => c.json(await getDocumentText(deps, c.req.valid('param').id), 200),
  );
}

function registerErase(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/documents/{id}',
      summary: "Erase a document's text, metadata, result, samples and workflow histories (idempotent)",
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      request: { params: idParam },
      responses: {
        200: json(erasureSchema, 'Erased now, or already erased'),
        ...errors(400, 401, 403),
        404: errorResponse('No document with this id was ever stored'),
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

function registerResume(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/documents/{id}/resume',
      summary: "Clear one document's operator pause",
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      request: { params: idParam },
      responses: {
        200: json(resumedSchema, 'Resumed'),
        ...errors(400, 401, 403, 404),
        409: errorResponse('Not paused'),
      },
    }),
    async (c) => {
      const resumed = await resumeDocument(deps, c.req.valid('param').id, c.get('principal').name);
      return c.json({ resumed }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/resume',
      summary: 'Clear every operator pause',
      security,
      middleware: [needsRole(deps.config, 'admin')] as const,
      responses: { 200: json(resumedSchema, 'Resumed'), ...errors(401, 403) },
    }),
    async (c) => c.json({ resumed: await resumeAll(deps, c.get('principal').name) }, 200),
  );
}

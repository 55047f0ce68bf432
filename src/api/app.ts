import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { readProviderHealth } from '../db/provider-health.js';
import { getClassification, getDocument } from '../db/queries.js';
import { providerHealthView } from '../reports/provider-health.js';
import type { Logger } from '../logger.js';
import { resumeSignal, submitReviewUpdate } from '../shared/messages.js';
import { documentWorkflowId, SEARCH_ATTRIBUTES } from '../shared/names.js';
import { DOCUMENT_STATUS } from '../shared/status.js';
import { authenticateRequest, requireRole, type Principal } from './auth.js';
import { getBatchView, submitBatch } from './batches.js';
import { checkHealth } from './health.js';
import { getDocumentView, submitDocument } from './documents.js';
import { HttpError, toHttpError } from './http-error.js';
import { jsonBody } from './json-body.js';
import { unavailableError } from './unavailable.js';
import { registerCanaryRoutes } from './canary-routes.js';
import { registerCompareRoutes } from './compare-routes.js';
import { registerReportRoutes } from './reports.js';
import { registerReviewPage } from './review-page.js';
import { registerEraseRoutes } from './routes/erase.js';
import { registerCodecRoutes } from './routes/codec.js';
import { registerHome } from './routes/home.js';
import { registerReviewQueue } from './routes/review-queue.js';
import {
  acceptedSchema,
  batchAcceptedSchema,
  batchSchema,
  batchViewSchema,
  documentViewSchema,
  errorSchema,
  healthSchema,
  reviewSchema,
  submitDocumentSchema,
} from './schemas.js';
import { describeIssue, idParam } from './validation.js';

export interface AppDeps {
  pool: Pool;
  client: Client;
  config: Config;
  logger: Logger;
}

type Env = { Variables: { principal: Principal } };

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(errorSchema, 'What to fix'),
  401: json(errorSchema, 'No valid bearer token'),
  403: json(errorSchema, "The token's role may not use this route"),
  404: json(errorSchema, 'Unknown id'),
};
const security = [{ bearer: [] }];

/** Builds the HTTP API (DESIGN.md §4); testable in-process with `app.request(...)`. */
export function createApp(deps: AppDeps): OpenAPIHono<Env> {
  const { config } = deps;
  const tokens = config.api.tokens ?? [];
  const app = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) {
        // An unknown field usually explains the missing one beside it (`txt` for `text`): name it first.
        const { issues } = result.error;
        const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
        throw new HttpError(
          'bad_request',
          issue ? describeIssue(issue, (result as { data?: unknown }).data, result.target) : 'invalid request',
        );
      }
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  const documentBodyLimit = config.api.maxDocumentBytes * 6 + 64 * 1024;
  const batchBodyLimit = Math.min(config.api.maxDocumentBytes * 6 * config.api.maxBatchDocuments, 512 * 1024 * 1024);

  app.onError((err, c) => {
    const known = toHttpError(err);
    if (known) return c.json(known.toBody(), known.status);
    const unavailable = unavailableError(err);
    if (unavailable) {
      deps.logger.warn({ path: c.req.path, reason: unavailable.message }, 'dependency unavailable');
      return c.json(unavailable.toBody(), unavailable.status);
    }
    deps.logger.error({ err, path: c.req.path }, 'request failed');
    return c.json(new HttpError('internal', 'internal error; see the API logs').toBody(), 500);
  });
  app.notFound((c) => c.json(new HttpError('not_found', `no route ${c.req.method} ${c.req.path}`).toBody(), 404));

  // Authentication first: a caller without a valid token gets 401 before its body is looked at.
  app.use('/v1/*', authenticateRequest(tokens));
  app.use('/v1/documents', async (c, next) =>
    c.req.method === 'POST' ? jsonBody(documentBodyLimit)(c, next) : next(),
  );
  app.use('/v1/batches', async (c, next) => (c.req.method === 'POST' ? jsonBody(batchBodyLimit)(c, next) : next()));
  app.use('/v1/documents/:id/review', jsonBody(64 * 1024));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Whether the API reaches Temporal and the database, answered within 2 s (no token needed)',
      responses: {
        200: json(healthSchema, 'Temporal and the database are reachable'),
        503: json(healthSchema, 'Temporal or the database is unreachable'),
      },
    }),
    async (c) => {
      const health = await checkHealth(deps);
      // Reported, not checked: a provider outage or rate-limit storm does not make the API unhealthy.
      const provider =
        health.database === 'ok' ? await readProviderHealth(deps.pool).catch(() => undefined) : undefined;
      return c.json(
        {
          ...health,
          ...(provider ? { provider: providerHealthView(provider, config.llm.rateLimitAlertAfterMs) } : {}),
        },
        health.status === 'ok' ? 200 : 503,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/documents',
      summary: 'Submit a document for classification',
      security,
      middleware: [requireRole(tokens, 'submitter')] as const,
      request: { body: { content: { 'application/json': { schema: submitDocumentSchema } }, required: true } },
      responses: {
        202: json(
          acceptedSchema,
          'Stored; its workflow is running, or queued (stage `queued`) while Temporal is unavailable',
        ),
        ...errors,
        409: json(errorSchema, 'The id exists with other text'),
        413: json(errorSchema, 'Over DOCKET_MAX_DOCUMENT_BYTES'),
        415: json(errorSchema, 'Not application/json'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { id, status, stage } = await submitDocument(deps, body);
      return c.json({ id, status, ...(stage ? { stage } : {}) }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/documents/{id}',
      summary: "A document's status and result",
      security,
      middleware: [requireRole(tokens)] as const,
      request: { params: idParam },
      responses: {
        200: json(documentViewSchema, 'The document'),
        ...errors,
        503: json(errorSchema, 'Temporal did not answer in time: the status is unknown for now'),
      },
    }),
    async (c) => c.json(await getDocumentView(deps, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/documents/{id}/review',
      summary: 'Decide a pending review; the reviewer is the token’s name',
      security,
      middleware: [requireRole(tokens, 'reviewer')] as const,
      request: { params: idParam, body: { content: { 'application/json': { schema: reviewSchema } }, required: true } },
      responses: {
        200: json(documentViewSchema, 'The final document'),
        ...errors,
        409: json(errorSchema, 'No review is pending'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const principal = c.get('principal');
      if (!(await getDocument(deps.pool, id))) throw new HttpError('not_found', `no document with id ${id}`);
      if (await getClassification(deps.pool, id)) throw new HttpError('conflict', `document ${id} is already decided`);
      try {
        await deps.client.workflow.getHandle(documentWorkflowId(id)).executeUpdate(submitReviewUpdate, {
          args: [{ category: body.category, reviewer: principal.name, note: body.note }],
        });
      } catch (err) {
        throw await reviewError(deps, err, id);
      }
      deps.logger.info({ documentId: id, reviewer: principal.name, category: body.category }, 'review decided');
      return c.json(await getDocumentView(deps, id), 200);
    },
  );

  registerReviewQueue(app, deps);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/documents/{id}/resume',
      summary: "Clear one document's operator pause",
      security,
      middleware: [requireRole(tokens, 'admin')] as const,
      request: { params: idParam },
      responses: {
        200: json(z.object({ resumed: z.array(z.string()) }), 'Resumed'),
        ...errors,
        409: json(errorSchema, 'Not paused'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await getDocument(deps.pool, id))) throw new HttpError('not_found', `no document with id ${id}`);
      const view = await getDocumentView(deps, id);
      if (view.status !== DOCUMENT_STATUS.paused)
        throw new HttpError('conflict', `document ${id} is ${view.status}, not paused`);
      try {
        await deps.client.workflow.getHandle(documentWorkflowId(id)).signal(resumeSignal);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new HttpError('conflict', `document ${id} is no longer paused`);
        throw err;
      }
      deps.logger.info({ documentId: id, by: c.get('principal').name }, 'document resumed');
      return c.json({ resumed: [id] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/resume',
      summary: 'Clear every operator pause',
      security,
      middleware: [requireRole(tokens, 'admin')] as const,
      responses: { 200: json(z.object({ resumed: z.array(z.string()) }), 'Resumed'), ...errors },
    }),
    async (c) => {
      const resumed: string[] = [];
      for await (const wf of deps.client.workflow.list({
        query: `${SEARCH_ATTRIBUTES.status} = '${DOCUMENT_STATUS.paused}'`,
      })) {
        await deps.client.workflow.getHandle(wf.workflowId).signal(resumeSignal);
        resumed.push(wf.workflowId.replace(/^classify-/, ''));
      }
      deps.logger.info({ count: resumed.length, by: c.get('principal').name }, 'documents resumed');
      return c.json({ resumed }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/batches',
      summary: 'Submit many documents',
      security,
      middleware: [requireRole(tokens, 'submitter')] as const,
      request: { body: { content: { 'application/json': { schema: batchSchema } }, required: true } },
      responses: {
        202: json(batchAcceptedSchema, 'Accepted'),
        ...errors,
        409: json(errorSchema, 'An id exists with other text'),
        413: json(errorSchema, 'Too large'),
        415: json(errorSchema, 'Not application/json'),
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
      middleware: [requireRole(tokens)] as const,
      request: { params: idParam },
      responses: {
        200: json(batchViewSchema, 'The batch'),
        ...errors,
        503: json(errorSchema, 'Temporal did not answer in time: the statuses are unknown for now'),
      },
    }),
    async (c) => c.json(await getBatchView(deps, c.req.valid('param').id), 200),
  );

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Docket API', version: '1', description: 'Durable LLM document classification' },
  });
  registerReportRoutes(app, deps, tokens);
  registerCanaryRoutes(app, deps, tokens);
  registerCompareRoutes(app, deps, tokens);
  registerEraseRoutes(app, deps, tokens);
  registerCodecRoutes(app, deps);
  registerReviewPage(app, { config });
  registerHome(app, { config });
  return app;
}

/** The HTTP answer to a failed review update: 400 for a bad decision, 409 when no review is (or is any longer) pending. */
async function reviewError(deps: AppDeps, err: unknown, id: string): Promise<Error> {
  if (err instanceof WorkflowNotFoundError) {
    // Temporal answers an update to a closed workflow as "not found": the race was lost to a decision that closed it.
    if (await getClassification(deps.pool, id)) {
      return new HttpError('conflict', `document ${id} was decided by another review first`);
    }
    const ended = await workflowEnded(deps.client, id);
    if (ended)
      return new HttpError('conflict', `document ${id} is no longer waiting for review (its workflow ${ended})`);
    return new HttpError('not_found', `no workflow for document ${id}`);
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === 'DocketCategoryNotInTaxonomy' || err.cause.type === 'DocketInvalidReview') {
      return new HttpError('bad_request', err.cause.message);
    }
    if (err.cause.type === 'DocketNoReviewPending') return new HttpError('conflict', err.cause.message);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** How the document's workflow ended (`completed`, `failed`, …), or undefined while it runs or when none exists. */
async function workflowEnded(client: Client, id: string): Promise<string | undefined> {
  try {
    const { status } = await client.workflow.getHandle(documentWorkflowId(id)).describe();
    return status.name === 'RUNNING' ? undefined : status.name.toLowerCase().replace(/_/g, ' ');
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

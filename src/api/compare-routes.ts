import { randomUUID } from 'node:crypto';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ApiToken, Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { insertDocument } from '../db/queries.js';
import { loadPrompts } from '../llm/prompts.js';
import { TASK_QUEUE, WORKFLOW_TYPES } from '../shared/names.js';
import type { CompareInput, CompareResult } from '../shared/workflow-types.js';
import { requireRole, type Principal } from './auth.js';
import { checkDocument } from './documents.js';
import { HttpError } from './http-error.js';
import { jsonBody } from './json-body.js';
import { defaultVariant } from './routing.js';
import { errorSchema, idParam } from './schemas.js';
import { documentId, documentText, strictObject, variantName } from './validation.js';

const MAX_COMPARE_DOCUMENTS = 500;
const error = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description });
const ok = (description: string) => ({ content: { 'application/json': { schema: z.any() } }, description });

const side = strictObject({
  promptVersion: variantName('promptVersion').optional(),
  model: variantName('model').optional(),
});
const compareSchema = strictObject({
  documents: z
    .array(strictObject({ id: documentId.optional(), text: documentText }))
    .min(1, 'documents is empty: send at least one document')
    .max(MAX_COMPARE_DOCUMENTS, `at most ${MAX_COMPARE_DOCUMENTS} documents per comparison`),
  taxonomy: z.string().min(1).max(200).optional(),
  a: side,
  b: side,
}).openapi('Compare');

const workflowId = (compareId: string) => `compare-${compareId}`;

/** `POST /v1/compare` and `GET /v1/compare/:id`: the same documents through two configurations, side by side. */
export function registerCompareRoutes(
  app: OpenAPIHono<{ Variables: { principal: Principal } }>,
  deps: { pool: Pool; client: Client; config: Config },
  tokens: readonly ApiToken[],
): void {
  app.use('/v1/compare', async (c, next) =>
    c.req.method === 'POST' ? jsonBody(deps.config.api.maxDocumentBytes * 6 * 8)(c, next) : next(),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/compare',
      summary: 'Run the same documents through two prompt/model configurations (offline A/B test)',
      security: [{ bearer: [] }],
      middleware: [requireRole(tokens, 'admin')] as const,
      request: { body: { content: { 'application/json': { schema: compareSchema } }, required: true } },
      responses: { 202: ok('Started'), 400: error('What to fix'), 409: error('An id exists with other text') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const checked = body.documents.map((d) => checkDocument(deps.config, { ...d, taxonomy: body.taxonomy }));
      const taxonomy = checked[0]!.taxonomy;
      const base = defaultVariant(deps.config, taxonomy);
      const resolve = (s: z.infer<typeof side>) => {
        const chosen = { promptVersion: s.promptVersion ?? base.promptVersion, model: s.model ?? base.model };
        if (!loadPrompts().find(chosen.promptVersion)) {
          throw new HttpError(
            'bad_request',
            `unknown prompt version "${chosen.promptVersion}": known are ${loadPrompts().versions().join(', ')}`,
          );
        }
        return chosen;
      };
      const [a, b] = [resolve(body.a), resolve(body.b)];
      for (const [i, d] of checked.entries()) {
        const { row } = await insertDocument(deps.pool, {
          id: d.id,
          contentHash: d.hash,
          text: body.documents[i]!.text,
          metadata: { compare: true },
          taxonomy: taxonomy.name,
        });
        if (row.contentHash !== d.hash)
          throw new HttpError('conflict', `document ${d.id} already exists with different text`);
      }
      const compareId = randomUUID();
      const input: CompareInput = { compareId, documentIds: checked.map((d) => d.id), taxonomy, a, b };
      await deps.client.workflow.start(WORKFLOW_TYPES.compareConfigurations, {
        workflowId: workflowId(compareId),
        taskQueue: TASK_QUEUE,
        args: [input],
      });
      return c.json({ compareId, documents: checked.length, a, b }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/compare/{id}',
      summary: "A comparison's result: agreement, cost and latency side by side (status running until done)",
      security: [{ bearer: [] }],
      middleware: [requireRole(tokens, 'admin')] as const,
      request: { params: idParam },
      responses: { 200: ok('The comparison'), 404: error('Unknown comparison') },
    }),
    async (c) => {
      const handle = deps.client.workflow.getHandle(workflowId(c.req.valid('param').id));
      try {
        const description = await handle.describe();
        if (description.status.name === 'RUNNING') return c.json({ status: 'running' as const }, 200);
        if (description.status.name !== 'COMPLETED') {
          return c.json({ status: 'failed' as const, reason: description.status.name.toLowerCase() }, 200);
        }
        return c.json({ status: 'done' as const, result: (await handle.result()) as CompareResult }, 200);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new HttpError('not_found', 'no comparison with that id');
        throw err;
      }
    },
  );
}

import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { Principal } from '../auth.js';
import { requireRole } from '../auth.js';
import type { AppDeps } from '../app.js';
import { getDocument } from '../../db/queries.js';
import { SEARCH_ATTRIBUTES } from '../../shared/names.js';
import { SA } from '../../shared/search-attributes.js';
import { DOCUMENT_STATUS } from '../../shared/status.js';
import { queryProgress } from '../documents.js';
import { HttpError } from '../http-error.js';
import { errorSchema, idParam } from '../schemas.js';

/** Characters of each document sent with the queue; the whole text is one request away when it is opened. */
export const EXCERPT_CHARS = 500;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
/** Metadata keys that name a document for a person, in order of preference (folder submissions send `path`). */
const TITLE_KEYS = ['title', 'fileName', 'filename', 'name', 'path', 'source', 'subject'];

type Env = { Variables: { principal: Principal } };

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(errorSchema, 'What to fix'),
  401: json(errorSchema, 'No valid bearer token'),
  403: json(errorSchema, "The token's role may not use this route"),
};
const security = [{ bearer: [] }];

const metadataSchema = z.record(z.string(), z.unknown()).openapi({ description: 'The metadata submitted with it' });

export const reviewQueueItemSchema = z
  .object({
    id: z.string(),
    title: z
      .string()
      .openapi({ description: 'A name for people: a file name or title from the metadata, else the id' }),
    metadata: metadataSchema,
    excerpt: z.string().openapi({ description: `The first ${EXCERPT_CHARS} characters of the text` }),
    textLength: z.number().int().openapi({ description: 'Characters in the whole text (GET /v1/documents/{id}/text)' }),
    taxonomy: z.string(),
    categories: z.array(z.string()),
    reason: z.string(),
    suggestion: z.object({ category: z.string(), confidence: z.number(), reasoning: z.string() }).optional(),
    since: z.string(),
    workflowUrl: z.string(),
  })
  .openapi('ReviewQueueItem');

export const reviewQueueSchema = z
  .object({
    reviews: z.array(reviewQueueItemSchema),
    total: z.number().int().openapi({ description: 'Documents waiting for review, all pages together' }),
    nextOffset: z.number().int().optional().openapi({ description: 'The offset of the next page; absent on the last' }),
    reviewer: z.object({ name: z.string(), role: z.string() }).openapi({ description: 'Who is signed in' }),
  })
  .openapi('ReviewQueue');

export const documentTextSchema = z
  .object({ id: z.string(), title: z.string(), metadata: metadataSchema, text: z.string() })
  .openapi('DocumentText');

const pageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({ param: { name: 'limit', in: 'query' }, description: `1 to ${MAX_LIMIT}, default ${DEFAULT_LIMIT}` }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({
      param: { name: 'offset', in: 'query' },
      description: 'Reviews to skip: the nextOffset of the last page',
    }),
});

/** The name a person knows a document by: a title-like metadata value, else its id. */
export function documentTitle(id: string, metadata: Record<string, unknown> | null | undefined): string {
  for (const key of TITLE_KEYS) {
    const value = metadata?.[key];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 200);
  }
  return id;
}

/** The pending reviews, oldest first (SQL visibility has no ORDER BY: list the queue, then sort it here). */
async function pendingWorkflows(deps: AppDeps): Promise<WorkflowExecutionInfo[]> {
  const pending: WorkflowExecutionInfo[] = [];
  const query = `${SEARCH_ATTRIBUTES.status} = '${DOCUMENT_STATUS.pendingReview}'`;
  for await (const wf of deps.client.workflow.list({ query, pageSize: 1000 })) pending.push(wf);
  return pending.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/**
 * `GET /v1/reviews` (the review queue, paged, with excerpts) and `GET /v1/documents/{id}/text` (a document's whole
 * text, which the review page fetches when a document is opened).
 */
export function registerReviewQueue(app: OpenAPIHono<Env>, deps: AppDeps): void {
  const { config } = deps;
  const tokens = config.api.tokens ?? [];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reviews',
      summary: 'The pending review queue, oldest first, a page at a time, with an excerpt of each text',
      security,
      middleware: [requireRole(tokens, 'reviewer')] as const,
      request: { query: pageQuery },
      responses: { 200: json(reviewQueueSchema, 'A page of pending reviews'), ...errors },
    }),
    async (c) => {
      const { limit, offset } = c.req.valid('query');
      const pending = await pendingWorkflows(deps);
      const page = pending.slice(offset, offset + limit);
      const reviews = await Promise.all(
        page.map(async (wf) => {
          const id = wf.workflowId.replace(/^classify-/, '');
          const [doc, progress] = await Promise.all([getDocument(deps.pool, id), queryProgress(deps, id)]);
          if (!doc) return undefined;
          const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
          return {
            id,
            title: documentTitle(id, metadata),
            metadata,
            excerpt: doc.text.slice(0, EXCERPT_CHARS),
            textLength: doc.text.length,
            taxonomy: doc.taxonomy,
            categories: config.taxonomies.find((t) => t.name === doc.taxonomy)?.categories ?? [],
            reason: wf.typedSearchAttributes.get(SA.reviewReason) ?? progress?.reviewReason ?? 'unknown',
            ...(progress?.suggestion ? { suggestion: progress.suggestion } : {}),
            // Workflows started before `pendingReviewSince` existed: their start is the best we know.
            since: progress?.pendingReviewSince ?? wf.startTime.toISOString(),
            workflowUrl: `${config.webUiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(wf.workflowId)}`,
          };
        }),
      );
      const principal = c.get('principal');
      return c.json(
        {
          reviews: reviews.filter((r) => r !== undefined),
          total: pending.length,
          ...(offset + limit < pending.length ? { nextOffset: offset + limit } : {}),
          reviewer: { name: principal.name, role: principal.role },
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/documents/{id}/text',
      summary: "A document's whole text and metadata",
      security,
      request: { params: idParam },
      responses: {
        200: json(documentTextSchema, 'The text as submitted'),
        ...errors,
        404: json(errorSchema, 'Unknown id'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const doc = await getDocument(deps.pool, id);
      if (!doc) throw new HttpError('not_found', `no document with id ${id}`);
      const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
      return c.json({ id, title: documentTitle(id, metadata), metadata, text: doc.text }, 200);
    },
  );
}

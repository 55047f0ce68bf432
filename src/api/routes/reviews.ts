import { createRoute, z } from '@hono/zod-openapi';
import { pendingReviews } from '../../documents/review-queue.js';
import { submitReview } from '../../documents/review.js';
import { documentViewSchema, reviewQueueSchema } from '../../documents/schemas.js';
import { jsonBody } from '../json-body.js';
import { errorResponse, errors, json, needsRole, security, type ApiApp, type AppDeps } from '../openapi.js';
import { reviewSchema } from '../schemas/requests.js';
import { idParam } from '../validation.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

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

/**
 * The human review: `GET /v1/reviews` (the queue, paged, with excerpts) and `POST /v1/documents/{id}/review` (a
 * reviewer's decision; the reviewer recorded is the token's name).
 */
export function registerReviewRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reviews',
      summary: 'The pending review queue, oldest first, a page at a time, with an excerpt of each text',
      security,
      middleware: [needsRole(deps.config, 'reviewer')] as const,
      request: { query: pageQuery },
      responses: { 200: json(reviewQueueSchema, 'A page of pending reviews'), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { name, role } = c.get('principal');
      return c.json({ ...(await pendingReviews(deps, c.req.valid('query'))), reviewer: { name, role } }, 200);
    },
  );

  app.use('/v1/documents/:id/review', jsonBody(64 * 1024));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/documents/{id}/review',
      summary: 'Decide a pending review; the reviewer is the token’s name',
      security,
      middleware: [needsRole(deps.config, 'reviewer')] as const,
      request: { params: idParam, body: { content: { 'application/json': { schema: reviewSchema } }, required: true } },
      responses: {
        200: json(documentViewSchema, 'The final document'),
        ...errors(400, 401, 403, 404, 415),
        409: errorResponse('No review is pending'),
      },
    }),
    async (c) => {
      const { category, note } = c.req.valid('json');
      const reviewer = c.get('principal').name;
      return c.json(await submitReview(deps, c.req.valid('param').id, { category, note, reviewer }), 200);
    },
  );
}

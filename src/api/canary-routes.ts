import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiToken, Config } from '../config.js';
import { endCanary, latestCanary, startCanary } from '../db/canary.js';
import type { Pool } from '../db/pool.js';
import { loadPrompts } from '../llm/prompts.js';
import type { Logger } from '../logger.js';
import { canaryReport } from '../reports/canary.js';
import { DEFAULT_TAXONOMY } from '../shared/taxonomy.js';
import { requireRole, type Principal } from './auth.js';
import { HttpError } from './http-error.js';
import { defaultVariant, forgetCanary } from './routing.js';
import { jsonBody } from './json-body.js';
import { errorSchema } from './schemas.js';
import { strictObject, variantName } from './validation.js';

const error = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description });
const ok = (description: string) => ({ content: { 'application/json': { schema: z.any() } }, description });
const security = [{ bearer: [] }];

const startSchema = strictObject({
  share: z.number().min(0).max(1),
  promptVersion: variantName('promptVersion').optional(),
  model: variantName('model').optional(),
  maxParseFailureRate: z.number().min(0).max(1).default(0.2),
  minCalls: z.number().int().positive().max(1_000_000).default(20),
}).openapi('StartCanary');

/** The canary of the classification task: start, compare, promote, roll back. */
export function registerCanaryRoutes(
  app: OpenAPIHono<{ Variables: { principal: Principal } }>,
  deps: { pool: Pool; config: Config; logger: Logger },
  tokens: readonly ApiToken[],
): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/canary',
      summary: 'The newest canary and its variants compared, with 95% intervals',
      security,
      middleware: [requireRole(tokens)] as const,
      responses: { 200: ok('The canary report'), 404: error('No canary ever ran') },
    }),
    async (c) => {
      const report = await canaryReport(deps.pool, deps.config.llm.confidenceThreshold);
      if (!report)
        throw new HttpError(
          'not_found',
          'no canary has run: start one with `docket canary start`, POST /v1/canary or DOCKET_CANARY',
        );
      return c.json(report, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/canary',
      summary: 'Start a canary: a share of new documents (chosen from their id) use a candidate prompt and/or model',
      security,
      middleware: [requireRole(tokens, 'admin'), jsonBody(16 * 1024)] as const,
      request: { body: { content: { 'application/json': { schema: startSchema } }, required: true } },
      responses: {
        201: ok('Started'),
        400: error('Bad candidate'),
        409: error('A canary is already active'),
        413: error('Body too large'),
        415: error('Not application/json'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.promptVersion && !loadPrompts().find(body.promptVersion)) {
        throw new HttpError(
          'bad_request',
          `unknown prompt version "${body.promptVersion}": known are ${loadPrompts().versions().join(', ')}`,
        );
      }
      if (!body.promptVersion && !body.model)
        throw new HttpError(
          'bad_request',
          'name a candidate prompt version, model, or both (promptVersion / model; --prompt / --model in the CLI)',
        );
      if ((await latestCanary(deps.pool))?.status === 'active') {
        throw new HttpError(
          'conflict',
          'a canary is already active: promote or roll it back first (`docket canary promote` / `docket canary rollback`)',
        );
      }
      const baseline = defaultVariant(deps.config, DEFAULT_TAXONOMY);
      const canary = await startCanary(deps.pool, {
        baseline,
        candidate: { promptVersion: body.promptVersion ?? baseline.promptVersion, model: body.model ?? baseline.model },
        share: body.share,
        maxParseFailureRate: body.maxParseFailureRate,
        minCalls: body.minCalls,
      });
      forgetCanary();
      deps.logger.info({ canary: canary.id, by: c.get('principal').name }, 'canary started');
      return c.json(canary, 201);
    },
  );

  for (const action of ['promote', 'rollback'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/canary/${action}`,
        summary:
          action === 'promote'
            ? 'Promote the candidate: every new document uses it'
            : 'Roll the canary back: every new document uses the baseline',
        security,
        middleware: [requireRole(tokens, 'admin')] as const,
        responses: { 200: ok('Done'), 409: error('No canary is active') },
      }),
      async (c) => {
        const by = c.get('principal').name;
        const ended = await endCanary(
          deps.pool,
          action === 'promote' ? 'promoted' : 'rolled_back',
          `${action} by ${by}`,
        );
        if (!ended)
          throw new HttpError(
            'conflict',
            'no canary is active: start one with `docket canary start` or POST /v1/canary',
          );
        forgetCanary();
        deps.logger.warn({ canary: ended.id, by }, `canary ${action === 'promote' ? 'promoted' : 'rolled back'}`);
        return c.json(ended, 200);
      },
    );
  }
}

import type { Hook, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Config, Role } from '../config.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { requireRole, type Principal } from './auth.js';
import { HttpError } from './http-error.js';
import { errorSchema } from './schemas/errors.js';
import { describeIssue, mainIssue } from '../validation/describe-issue.js';
import { FIELD_HINTS } from './validation.js';

// What every route module of src/api/routes/ shares: its dependencies, its app's type, the OpenAPI blocks it
// repeats (JSON responses, error responses, the bearer security requirement) and its role checks.

/** What the API is built from; route modules take the part they use (`Pick<AppDeps, ...>`). */
export interface AppDeps {
  pool: Pool;
  client: Client;
  config: Config;
  logger: Logger;
}

/** The context every route sees: the principal that authentication set. */
export type ApiEnv = { Variables: { principal: Principal } };

/** The app every route module registers on. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/** The OpenAPI security requirement of a route that needs a bearer token. */
export const security = [{ bearer: [] }];

/** An OpenAPI response whose body is JSON of `schema`. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** What each error status means when a route says nothing more precise. */
const ERROR_DESCRIPTIONS = {
  400: 'What to fix',
  401: 'No valid bearer token',
  403: "The token's role may not use this route",
  404: 'Unknown id',
  409: 'Conflicts with what is stored',
  413: 'Over a size limit',
  415: 'Not application/json',
  503: 'Temporal or the database did not answer in time; retry later',
} as const;
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** An OpenAPI error response (`{ "error": { "code", "message" } }`) saying when it happens. */
export function errorResponse(description: string) {
  return json(errorSchema, description);
}

/** The error responses of `statuses`, with their usual descriptions (spread, then override the ones a route knows). */
export function errors<S extends ErrorStatus>(...statuses: S[]): Record<S, ReturnType<typeof errorResponse>> {
  return Object.fromEntries(statuses.map((s) => [s, errorResponse(ERROR_DESCRIPTIONS[s])])) as Record<
    S,
    ReturnType<typeof errorResponse>
  >;
}

/** 401 without a valid bearer token; 403 unless the token has one of `roles` (any role when none; admin always). */
export function needsRole(config: Pick<Config, 'api'>, ...roles: Role[]) {
  return requireRole(config.api.tokens ?? [], ...roles);
}

/**
 * The answer to a request that failed its schema: a 400 that names the field and says what to fix. An unknown field
 * usually explains the missing one beside it (`txt` for `text`), so it is named first.
 */
export const validationHook: Hook<unknown, ApiEnv, string, unknown> = (result) => {
  if (result.success) return;
  const issue = mainIssue(result.error.issues);
  const context = { input: (result as { data?: unknown }).data, target: result.target, hints: FIELD_HINTS };
  throw new HttpError('bad_request', issue ? describeIssue(issue, context) : 'invalid request');
};

/**
 * The `required` of a request body that is JSON or multipart/form-data. zod-openapi validates a required body against
 * every content type it declares, so a file would fail the JSON schema: such a route is registered with an optional
 * body (each schema then checks only bodies of its own type) and `documentBodyOnPost` (src/api/multipart.ts) refuses
 * a POST without one; {@link documentBodyAsRequired} then documents it as the required body it is.
 */
export const EITHER_BODY_REQUIRED = false;

/** Documents the body of a route registered with {@link EITHER_BODY_REQUIRED} as required, once it is registered. */
export function documentBodyAsRequired(route: { request?: { body?: { required?: boolean } } }): void {
  // The OpenAPI registry holds the route object itself; its validators were built when it was registered.
  if (route.request?.body) route.request.body.required = true;
}

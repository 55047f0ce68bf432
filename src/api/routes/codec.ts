import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Payload } from '@temporalio/common';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { EncryptionCodec } from '../../codec/encryption-codec.js';
import type { ApiToken } from '../../config.js';
import { authenticate, type Principal } from '../auth.js';
import { HttpError } from '../http-error.js';
import { jsonBody } from '../json-body.js';
import { errorResponse, json, security, type ApiApp, type ApiEnv, type AppDeps } from '../openapi.js';

/** The cookie the review page sets at sign-in, so the Temporal Web UI can call the codec without a pasted token. */
export const CODEC_SESSION_COOKIE = 'docket_codec';
const SESSION_SECONDS = 12 * 3600;
/** Roles that may read decrypted payloads: the people who see documents' results anyway. */
const CODEC_ROLES = new Set<ApiToken['role']>(['reviewer', 'admin']);
/** The UI sends a page of history events at a time; Temporal caps one payload at 2 MB. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** `temporal.api.common.v1.Payloads` in protobuf's JSON form, as the Web UI and `temporal --codec-endpoint` send it. */
const payloadsSchema = z
  .object({
    payloads: z
      .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }))
      .openapi({ description: 'Payloads with base64 metadata values and data' }),
  })
  .openapi('Payloads');
type JsonPayloads = z.infer<typeof payloadsSchema>;

const fromJson = ({ payloads }: JsonPayloads): Payload[] =>
  payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));

const toJson = (payloads: Payload[]): JsonPayloads => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  })),
});

const sign = (token: string, name: string, expires: number) =>
  createHmac('sha256', token).update(`docket-codec-session:${name}:${expires}`).digest('base64url');

/**
 * A session value `name.expires.signature`, signed with the token itself: any API process verifies it without shared
 * state, and revoking the token (removing it from DOCKET_API_TOKENS) ends its sessions.
 */
function sessionValue(token: ApiToken, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + SESSION_SECONDS;
  return `${encodeURIComponent(token.name)}.${expires}.${sign(token.token, token.name, expires)}`;
}

function sessionPrincipal(tokens: readonly ApiToken[], value: string): Principal | undefined {
  const [rawName, rawExpires, signature] = value.split('.');
  const expires = Number(rawExpires);
  if (!rawName || !signature || !Number.isInteger(expires) || expires * 1000 < Date.now()) return undefined;
  const name = decodeURIComponent(rawName);
  const given = Buffer.from(signature);
  for (const t of tokens) {
    if (t.name !== name || !CODEC_ROLES.has(t.role)) continue;
    const expected = Buffer.from(sign(t.token, t.name, expires));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { name: t.name, role: t.role };
  }
  return undefined;
}

function bearer(c: Context): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/**
 * CORS for the Temporal Web UI's origin only (DOCKET_WEB_UI_URL), with credentials so that its "include cross-origin
 * credentials" setting sends the session cookie. A browser request from any other origin is refused outright, which
 * also keeps other sites from using a reviewer's cookie.
 */
function webUiCors(webUiUrl: string): MiddlewareHandler {
  const allowed = new URL(webUiUrl).origin;
  return async (c, next) => {
    const origin = c.req.header('origin');
    // No Origin: a tool such as the temporal CLI. The API's own origin: the review page opening a session.
    if (origin === undefined || (URL.canParse(origin) && new URL(origin).host === c.req.header('host'))) return next();
    if (origin !== allowed) {
      throw new HttpError('forbidden', `the codec answers browsers from the Temporal Web UI (${allowed}) only`);
    }
    c.header('Access-Control-Allow-Origin', allowed);
    c.header('Access-Control-Allow-Credentials', 'true');
    c.header('Vary', 'Origin');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'POST');
      c.header('Access-Control-Allow-Headers', 'authorization, content-type, x-namespace');
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    return next();
  };
}

/** A reviewer or admin, from a bearer token (CLI tools) or the review page's session cookie (the Web UI). */
function codecAuth(tokens: readonly ApiToken[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = bearer(c);
    const cookie = getCookie(c, CODEC_SESSION_COOKIE);
    const principal = token ? authenticate(tokens, token) : cookie ? sessionPrincipal(tokens, cookie) : undefined;
    if (!principal) {
      throw new HttpError(
        'unauthorized',
        token || cookie
          ? 'the token or codec session is not valid (sign in again on the review page)'
          : 'send Authorization: Bearer <reviewer token>, or sign in on the review page to open a codec session',
      );
    }
    if (!CODEC_ROLES.has(principal.role)) {
      throw new HttpError(
        'forbidden',
        `the codec needs the reviewer or admin role; "${principal.name}" is ${principal.role}`,
      );
    }
    c.set('principal', principal);
    await next();
  };
}

/**
 * Temporal's remote codec protocol (`POST /codec/encode`, `POST /codec/decode`) for the Web UI and the `temporal` CLI
 * (`--codec-endpoint <api>/codec --codec-auth "Bearer <token>"`), and the session the review page opens for the UI.
 */
export function registerCodecRoutes(app: ApiApp, deps: Pick<AppDeps, 'config'>): void {
  const tokens = deps.config.api.tokens ?? [];
  app.use('/codec/*', webUiCors(deps.config.webUiUrl));
  app.use('/codec/encode', codecAuth(tokens), jsonBody(MAX_BODY_BYTES));
  app.use('/codec/decode', codecAuth(tokens), jsonBody(MAX_BODY_BYTES));
  const codec = new EncryptionCodec(deps.config.payload);
  for (const action of ['encode', 'decode'] as const) registerConversion(app, codec, action);
  registerSession(app, tokens);
}

const CODEC_ERRORS = {
  400: errorResponse('Not Payloads JSON, or a payload no configured key decrypts'),
  401: errorResponse('No valid bearer token or codec session'),
  403: errorResponse('Not a reviewer or admin, or a browser origin other than the Web UI'),
};

/** `POST /codec/encode` or `POST /codec/decode`: the payloads, encrypted or decrypted with the configured keys. */
function registerConversion(app: ApiApp, codec: EncryptionCodec, action: 'encode' | 'decode'): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: `/codec/${action}`,
      summary:
        action === 'decode' ? 'Decrypt payloads (Temporal remote codec)' : 'Encrypt payloads (Temporal remote codec)',
      security,
      request: { body: { content: { 'application/json': { schema: payloadsSchema } }, required: true } },
      responses: { 200: json(payloadsSchema, 'The payloads, converted'), ...CODEC_ERRORS },
    }),
    async (c) => {
      const payloads = fromJson(c.req.valid('json'));
      try {
        return c.json(toJson(await codec[action](payloads)), 200);
      } catch (err) {
        throw new HttpError('bad_request', (err as Error).message);
      }
    },
  );
}

/** `POST /codec/session` opens the review page's codec session (a signed cookie); `DELETE` closes it. */
function registerSession(app: ApiApp, tokens: readonly ApiToken[]): void {
  app.post('/codec/session', (c) => {
    const token = bearer(c);
    const match = token ? tokens.find((t) => authenticate([t], token)) : undefined;
    if (!match) throw new HttpError('unauthorized', 'send Authorization: Bearer <reviewer token>');
    if (!CODEC_ROLES.has(match.role)) {
      throw new HttpError('forbidden', `the codec needs the reviewer or admin role; "${match.name}" is ${match.role}`);
    }
    setCookie(c, CODEC_SESSION_COOKIE, sessionValue(match), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/codec',
      maxAge: SESSION_SECONDS,
      secure: new URL(c.req.url).protocol === 'https:',
    });
    return c.body(null, 204);
  });
  app.delete('/codec/session', (c) => {
    deleteCookie(c, CODEC_SESSION_COOKIE, { path: '/codec' });
    return c.body(null, 204);
  });
}

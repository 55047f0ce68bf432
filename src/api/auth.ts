import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiToken, Role } from '../config.js';
import { HttpError } from './http-error.js';

export interface Principal {
  name: string;
  role: Role;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Finds the token's owner, comparing every configured token in constant time. */
export function authenticate(tokens: readonly ApiToken[], presented: string): Principal | undefined {
  const presentedDigest = digest(presented);
  let match: Principal | undefined;
  for (const t of tokens) {
    if (timingSafeEqual(digest(t.token), presentedDigest)) match = { name: t.name, role: t.role };
  }
  return match;
}

type AuthEnv = { Variables: { principal: Principal } };

/** 401 without a valid bearer token. Runs before any body is read, so an anonymous caller learns nothing else. */
export function authenticateRequest(tokens: readonly ApiToken[]): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new HttpError('unauthorized', 'send an Authorization: Bearer <token> header');
    const principal = authenticate(tokens, match[1]);
    if (!principal) throw new HttpError('unauthorized', 'the bearer token is not valid');
    c.set('principal', principal);
    await next();
  };
}

/** 401 without a valid bearer token; 403 when the token's role may not use the route. Admin may do everything. */
export function requireRole(tokens: readonly ApiToken[], ...roles: Role[]): MiddlewareHandler<AuthEnv> {
  const authenticateOnce = authenticateRequest(tokens);
  return async (c, next) => {
    const check = async () => {
      const principal = c.get('principal');
      if (roles.length > 0 && principal.role !== 'admin' && !roles.includes(principal.role)) {
        throw new HttpError(
          'forbidden',
          `this route needs the ${roles.join(' or ')} role; token "${principal.name}" is ${principal.role}`,
        );
      }
      await next();
    };
    if (c.get('principal')) return check();
    return authenticateOnce(c, check);
  };
}

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DocketClient } from '../client/docket-client.js';
import { UsageError } from './exit-codes.js';

export type Role = 'submitter' | 'reviewer' | 'admin';

/** `--url` and `--token`, present on every command that calls the API. */
export interface ConnectionFlags {
  url?: string;
  token?: string;
}

export const CONNECTION_HELP = `Environment:
  DOCKET_URL      the API (default http://127.0.0.1:$PORT, PORT defaulting to 3000); --url overrides it
  DOCKET_TOKEN    bearer token; --token overrides it. When neither is set, the token of the role the
                  command needs is read from $DOCKET_DATA_DIR/dev-tokens.json (default .data/, written
                  by npm start)`;

/** Where to reach the API and with which token, from the flags, then the environment, then `npm start`'s dev tokens. */
export function resolveConnection(
  flags: ConnectionFlags,
  role: Role,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { baseUrl: string; token: string } {
  const baseUrl = flags.url ?? env.DOCKET_URL ?? `http://127.0.0.1:${env.PORT || '3000'}`;
  try {
    new URL(baseUrl);
  } catch {
    throw new UsageError(`the API URL "${baseUrl}" is not a URL (--url or DOCKET_URL), e.g. http://127.0.0.1:3000`);
  }
  const token = flags.token ?? env.DOCKET_TOKEN ?? devToken(role, env, cwd);
  if (!token) {
    throw new UsageError(
      `no API token: set DOCKET_TOKEN or pass --token (a ${role} token), or run npm start, which writes ${devTokensPath(env, cwd)}`,
    );
  }
  return { baseUrl, token };
}

/** A client for the command's role. */
export function connect(flags: ConnectionFlags, role: Role, env: NodeJS.ProcessEnv, cwd: string): DocketClient {
  return new DocketClient(resolveConnection(flags, role, env, cwd));
}

function devTokensPath(env: NodeJS.ProcessEnv, cwd: string): string {
  return join(resolve(cwd, env.DOCKET_DATA_DIR || '.data'), 'dev-tokens.json');
}

/** The role's token from `npm start`'s dev tokens; admin may do everything, so it stands in for a missing role. */
function devToken(role: Role, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  let raw: string;
  try {
    raw = readFileSync(devTokensPath(env, cwd), 'utf8');
  } catch {
    return undefined;
  }
  let tokens: unknown;
  try {
    tokens = JSON.parse(raw);
  } catch {
    throw new UsageError(`${devTokensPath(env, cwd)} is not valid JSON: delete it and restart npm start`);
  }
  if (typeof tokens !== 'object' || tokens === null) return undefined;
  const byRole = tokens as Partial<Record<Role, unknown>>;
  const token = byRole[role] ?? byRole.admin;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

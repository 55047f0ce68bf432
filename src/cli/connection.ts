import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
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
                  by npm start), looked for in the working folder and then in each parent folder, so
                  the CLI works from anywhere inside the Docket project`;

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
  const tokensFile = devTokensPath(env, cwd);
  const token = flags.token ?? env.DOCKET_TOKEN ?? (tokensFile ? devToken(role, tokensFile) : undefined);
  if (!token) {
    const where = tokensFile
      ? `${tokensFile} holds no ${role} token`
      : `no ${join(env.DOCKET_DATA_DIR || '.data', DEV_TOKENS)} in ${cwd} or any folder above it`;
    throw new UsageError(
      `no API token (${where}): set DOCKET_TOKEN or pass --token with a ${role} token, or run the command inside ` +
        'the Docket project folder where npm start runs (it writes the dev tokens there)',
    );
  }
  return { baseUrl, token };
}

/** A client for the command's role. */
export function connect(flags: ConnectionFlags, role: Role, env: NodeJS.ProcessEnv, cwd: string): DocketClient {
  return new DocketClient(resolveConnection(flags, role, env, cwd));
}

const DEV_TOKENS = 'dev-tokens.json';

/**
 * `npm start`'s dev tokens file: $DOCKET_DATA_DIR/dev-tokens.json when that is absolute, else the nearest
 * `<folder>/.data/dev-tokens.json` from `cwd` up to the filesystem root (the CLI may run from a subfolder of the
 * project). Undefined when there is none.
 */
export function devTokensPath(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const dataDir = env.DOCKET_DATA_DIR || '.data';
  if (isAbsolute(dataDir)) return existsSync(join(dataDir, DEV_TOKENS)) ? join(dataDir, DEV_TOKENS) : undefined;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, dataDir, DEV_TOKENS);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The role's token from `npm start`'s dev tokens; admin may do everything, so it stands in for a missing role. */
function devToken(role: Role, path: string): string | undefined {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let tokens: unknown;
  try {
    tokens = JSON.parse(raw);
  } catch {
    throw new UsageError(`${path} is not valid JSON: delete it and restart npm start`);
  }
  if (typeof tokens !== 'object' || tokens === null) return undefined;
  const byRole = tokens as Partial<Record<Role, unknown>>;
  const token = byRole[role] ?? byRole.admin;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

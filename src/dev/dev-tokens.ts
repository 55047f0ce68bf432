import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiToken, Role } from '../config.js';

export const DEV_TOKENS_FILE = 'dev-tokens.json';

/**
 * The development tokens of `npm start`, one per role: generated once and kept in the data directory (mode 0600),
 * so the CLI and a restarted `npm start` use the same ones.
 */
export function devTokens(dataDir: string): ApiToken[] {
  const path = join(dataDir, DEV_TOKENS_FILE);
  let stored: Partial<Record<Role, string>> = {};
  try {
    stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<Record<Role, string>>;
  } catch {
    stored = {};
  }
  const roles: Role[] = ['submitter', 'reviewer', 'admin'];
  const tokens = Object.fromEntries(
    roles.map((r) => [r, stored[r] ?? `dev-${r}-${randomBytes(16).toString('hex')}`]),
  ) as Record<Role, string>;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return roles.map((role) => ({ name: `dev-${role}`, role, token: tokens[role] }));
}

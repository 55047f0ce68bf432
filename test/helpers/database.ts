import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  close(): Promise<void>;
}

/** The PostgreSQL server this machine and CI run (trust auth). Override with DOCKET_TEST_POSTGRES_URL. */
export const POSTGRES_ADMIN_URL = process.env.DOCKET_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;
/** Whether the PostgreSQL server answers (checked once per process). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * The database kind a test file uses: DOCKET_TEST_DB when set, else PostgreSQL when it is reachable, else PGlite.
 * Files that matter for both run against each explicitly.
 */
export async function defaultDatabaseKind(): Promise<DatabaseKind> {
  const forced = process.env.DOCKET_TEST_DB;
  if (forced === 'pglite' || forced === 'postgres') return forced;
  return (await postgresReachable()) ? 'postgres' : 'pglite';
}

/** A fresh, migrated database: an in-memory PGlite served over the wire, or a new database on PostgreSQL. */
export async function startTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const embedded = await startEmbeddedPostgres();
    await migrate(embedded.url);
    return { kind, url: embedded.url, close: () => embedded.close() };
  }
  const name = `docket_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return {
    kind,
    url: url.toString(),
    async close() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';

export type ScratchDatabaseKind = 'pglite' | 'postgres';

/** A fresh, migrated database that is dropped (PostgreSQL) or discarded (PGlite) on `close()`. */
export interface ScratchDatabase {
  kind: ScratchDatabaseKind;
  url: string;
  close(): Promise<void>;
}

/** Whether the PostgreSQL server at `adminUrl` answers within two seconds. */
export async function postgresAnswers(adminUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A fresh, migrated database for a harness (benchmarks, the chaos campaign): an in-memory PGlite served over the
 * wire, or a new database of a name no one else uses on the PostgreSQL server at `adminUrl`.
 */
export async function startScratchDatabase(
  kind: ScratchDatabaseKind,
  adminUrl: string,
  prefix = 'docket_scratch',
): Promise<ScratchDatabase> {
  if (kind === 'pglite') {
    const embedded = await startEmbeddedPostgres();
    await migrate(embedded.url);
    return { kind, url: embedded.url, close: () => embedded.close() };
  }
  const name = `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return { kind, url: url.toString(), close: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

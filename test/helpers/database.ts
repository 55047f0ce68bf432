import {
  postgresAnswers,
  startScratchDatabase,
  type ScratchDatabase,
  type ScratchDatabaseKind,
} from '../../src/dev/scratch-database.js';

export type DatabaseKind = ScratchDatabaseKind;
export type TestDatabase = ScratchDatabase;

/** The PostgreSQL server this machine and CI run (trust auth). Override with DOCKET_TEST_POSTGRES_URL. */
export const POSTGRES_ADMIN_URL = process.env.DOCKET_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;
/** Whether the PostgreSQL server answers (checked once per process). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= postgresAnswers(POSTGRES_ADMIN_URL);
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
export function startTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return startScratchDatabase(kind, POSTGRES_ADMIN_URL, 'docket_test');
}

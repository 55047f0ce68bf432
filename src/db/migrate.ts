import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies every pending migration in `src/db/migrations` (idempotent; concurrent callers wait on a lock). */
export async function migrate(databaseUrl: string): Promise<void> {
  await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'docket_migrations',
    advisoryLockMode: 'wait',
    log: () => undefined,
    verbose: false,
  });
}

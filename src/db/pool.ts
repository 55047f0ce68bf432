import pg from 'pg';

export type Pool = pg.Pool;

/** A connection pool for `databaseUrl`. */
export function createPool(databaseUrl: string, max = 10): Pool {
  return new pg.Pool({ connectionString: databaseUrl, max });
}

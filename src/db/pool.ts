import pg from 'pg';

export type Pool = pg.Pool;

/**
 * A connection pool for `databaseUrl`. An idle connection that the server closes (a restart, a failover) is
 * reported and replaced on next use, never allowed to crash the process.
 */
export function createPool(
  databaseUrl: string,
  max = 10,
  onIdleError: (err: Error) => void = (err) => console.error(`database connection lost: ${err.message}`),
): Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  pool.on('error', onIdleError);
  return pool;
}

import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logger.js';

/** What the document services work with: the database, Temporal and the typed configuration. */
export interface ServiceDeps {
  pool: Pool;
  client: Client;
  config: Config;
  /** Where a queued start, a decision or a resume is reported; unset: not reported. */
  logger?: Logger;
}

import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Pool } from '../db/pool.js';
import { deleteSamplesCreatedBefore, listDocumentsCreatedBefore } from '../db/queries.js';
import { eraseDocument } from '../documents/erase.js';
import type { Logger } from '../logger.js';

export interface RetentionActivityDeps {
  pool: Pool;
  /** Cancels running classifications and deletes histories during an erasure. */
  client: Client;
  logger: Logger;
}

export interface PurgePageInput {
  /** ISO 8601: what was stored before it is purged. */
  cutoff: string;
  limit: number;
}

/** Builds the activities of `retentionWorkflow`. */
export function createRetentionActivities(deps: RetentionActivityDeps) {
  return {
    /** Erases the oldest documents stored before the cutoff, at most `limit`; heartbeats after each. */
    async purgeDocumentsPage(input: PurgePageInput): Promise<{ erased: number }> {
      const ids = await listDocumentsCreatedBefore(deps.pool, new Date(input.cutoff), input.limit);
      for (const [i, id] of ids.entries()) {
        await eraseDocument(deps, id, { reason: 'retention', erasedBy: 'retention' });
        Context.current().heartbeat(i + 1);
      }
      return { erased: ids.length };
    },
    /** Deletes samples stored before the cutoff, at most `limit`. */
    async purgeSamplesPage(input: PurgePageInput): Promise<{ deleted: number }> {
      return { deleted: await deleteSamplesCreatedBefore(deps.pool, new Date(input.cutoff), input.limit) };
    },
  };
}

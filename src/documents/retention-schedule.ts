import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { Logger } from '../logger.js';
import { RETENTION_SCHEDULE_ID, TASK_QUEUE, WORKFLOW_TYPES } from '../shared/names.js';
import type { RetentionInput, retentionWorkflow } from '../workflows/retention.js';

/** What the worker did with the `docket-retention` Schedule. */
export type RetentionScheduleChange = 'created' | 'updated' | 'deleted' | 'absent';

/** How often the purge runs: each run erases what has crossed the cutoff since the last one. */
const PURGE_EVERY = '1 hour';

/**
 * Makes the `docket-retention` Temporal Schedule match `DOCKET_RETENTION_DAYS`: created or updated when set,
 * deleted when unset (unset means keep everything). Idempotent, and safe when several workers start at once.
 */
export async function syncRetentionSchedule(
  client: Client,
  retentionDays: number | undefined,
  logger: Logger,
): Promise<RetentionScheduleChange> {
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  if (retentionDays === undefined) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'absent';
      // Keeping everything needs no schedule permission: a worker whose identity may not manage schedules still runs.
      logger.warn({ err, scheduleId: RETENTION_SCHEDULE_ID }, 'could not check for a retention schedule to remove');
      return 'absent';
    }
  }
  const input: RetentionInput = { retentionDays };
  const action: ScheduleOptionsStartWorkflowAction<typeof retentionWorkflow> = {
    type: 'startWorkflow',
    workflowType: WORKFLOW_TYPES.retention,
    workflowId: RETENTION_SCHEDULE_ID,
    taskQueue: TASK_QUEUE,
    args: [input],
  };
  const note = `Erases documents and samples older than ${retentionDays} days (DOCKET_RETENTION_DAYS)`;
  const spec = { intervals: [{ every: PURGE_EVERY }] };
  // A purge still running when the next is due simply continues: the next one would find the same documents.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: PURGE_EVERY };
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec,
      action,
      policies,
      state: { note },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await handle.update((previous) => ({
    ...previous,
    spec,
    action,
    policies,
    state: { ...previous.state, note },
  }));
  return 'updated';
}

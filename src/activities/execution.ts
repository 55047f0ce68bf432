import { activityInfo, Context } from '@temporalio/activity';

/** The workflow execution that scheduled the current activity (Docket never runs activities standalone). */
export function callerExecution(): { workflowId: string; runId: string } {
  const info = activityInfo();
  if (!info.workflowExecution) throw new Error(`activity ${info.activityType} must be scheduled by a workflow`);
  return info.workflowExecution;
}

/** Sleeps `ms` inside an activity, heartbeating at least every 5 s; rejects when the activity is cancelled. */
export async function sleepWithHeartbeats(ms: number): Promise<void> {
  const ctx = Context.current();
  for (let left = ms; left > 0; left -= 5_000) {
    ctx.heartbeat();
    await ctx.sleep(Math.min(left, 5_000));
  }
}

/** Runs `work` inside an activity, heartbeating every `intervalMs`: a killed worker's attempt is retried soon. */
export async function heartbeating<T>(work: () => Promise<T>, intervalMs = 2_000): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), intervalMs);
  try {
    ctx.heartbeat();
    return await work();
  } finally {
    clearInterval(timer);
  }
}

import { activityInfo } from '@temporalio/activity';

/** The workflow execution that scheduled the current activity (Docket never runs activities standalone). */
export function callerExecution(): { workflowId: string; runId: string } {
  const info = activityInfo();
  if (!info.workflowExecution) throw new Error(`activity ${info.activityType} must be scheduled by a workflow`);
  return info.workflowExecution;
}

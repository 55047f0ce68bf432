import { activityInfo } from '@temporalio/activity';
import type { Logger } from 'pino';
import { callerExecution } from '../execution.js';
import type { ClassifyWithLlmInput, LlmActivityDeps } from './types.js';

/** What an attempt tells the worker's slot sizing, noted as it goes. */
export interface AttemptNotes {
  /** Time spent waiting for the provider hold, the outage gate and the rate buckets, ms. */
  waitedMs: number;
  /** Tokens the provider counted, once it answered. */
  tokens?: number;
}

/** What every step of one attempt shares. */
export interface AttemptScope {
  deps: LlmActivityDeps;
  input: ClassifyWithLlmInput;
  workflowId: string;
  runId: string;
  /** The activity's attempt number, from 1. */
  attempt: number;
  /** The ledger key of this attempt, `<workflowId>/<runId>/<activityId>/<attempt>`; also the probe lease's holder. */
  callKey: string;
  /** The activity's logger, with the workflow, the document and the attempt. */
  log: Logger;
  notes: AttemptNotes;
}

/** The scope of the attempt now running (read from the activity's context). */
export function attemptScope(deps: LlmActivityDeps, input: ClassifyWithLlmInput, notes: AttemptNotes): AttemptScope {
  const info = activityInfo();
  const { workflowId, runId } = callerExecution();
  return {
    deps,
    input,
    workflowId,
    runId,
    attempt: info.attempt,
    callKey: `${workflowId}/${runId}/${info.activityId}/${info.attempt}`,
    log: deps.logger.child({ workflowId, documentId: input.documentId, attempt: info.attempt }),
    notes,
  };
}

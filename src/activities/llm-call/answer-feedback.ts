import { rollBackIfFailing } from '../../canary/rollback.js';
import { detectInjection, type InjectionSignal } from '../../llm/injection.js';
import { bestEffort } from './best-effort.js';
import type { AttemptScope } from './scope.js';

/** After an invalid answer of the canary's candidate: rolls the canary back when the candidate fails too often. */
export async function feedCanary(scope: AttemptScope): Promise<void> {
  const { deps, input, log } = scope;
  await bestEffort(log, 'check the canary', async () => {
    if (input.variant === 'candidate' && (await rollBackIfFailing(deps.pool))) {
      log.error('canary rolled back automatically: the candidate fails validation too often');
    }
  });
}

/**
 * Issue 13: instructions aimed at the model in the document. Logged and returned by name only: the text never goes
 * to the log or the workflow.
 */
export function flagInjection(scope: AttemptScope, documentText: string): InjectionSignal[] {
  const suspicious = detectInjection(documentText);
  if (suspicious.length > 0) scope.log.warn({ signals: suspicious }, 'document holds instructions aimed at the model');
  return suspicious;
}

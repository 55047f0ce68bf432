import {
  endCanary as endCanaryRow,
  latestCanary,
  startCanary as startCanaryRow,
  type CanaryRow,
} from '../db/canary.js';
import { DEFAULT_TAXONOMY } from '../shared/taxonomy.js';
import type { ServiceDeps } from './deps.js';
import { ConflictError, InvalidInputError } from './errors.js';
import { requireKnownPromptVersion } from './prompt-versions.js';
import { defaultVariant, forgetCanary } from './routing.js';

/** A canary as an admin starts one: a candidate prompt version and/or model for a share of new documents. */
export interface StartCanary {
  share: number;
  promptVersion?: string;
  model?: string;
  maxParseFailureRate: number;
  minCalls: number;
}

/**
 * Starts a canary against the configured default (the baseline); `by` is who asked (logged). Invalid input for an
 * unknown prompt version or no candidate at all; a conflict while another canary is active.
 */
export async function startCanary(deps: ServiceDeps, request: StartCanary, by: string): Promise<CanaryRow> {
  if (request.promptVersion) requireKnownPromptVersion(request.promptVersion);
  if (!request.promptVersion && !request.model) {
    throw new InvalidInputError(
      'name a candidate prompt version, model, or both (promptVersion / model; --prompt / --model in the CLI)',
    );
  }
  if ((await latestCanary(deps.pool))?.status === 'active') {
    throw new ConflictError(
      'a canary is already active: promote or roll it back first (`docket canary promote` / `docket canary rollback`)',
    );
  }
  const baseline = defaultVariant(deps.config, DEFAULT_TAXONOMY);
  const canary = await startCanaryRow(deps.pool, {
    baseline,
    candidate: {
      promptVersion: request.promptVersion ?? baseline.promptVersion,
      model: request.model ?? baseline.model,
    },
    share: request.share,
    maxParseFailureRate: request.maxParseFailureRate,
    minCalls: request.minCalls,
  });
  forgetCanary();
  deps.logger?.info({ canary: canary.id, by }, 'canary started');
  return canary;
}

/**
 * Ends the active canary: `promote` makes the candidate every new document's variant, `rollback` returns to the
 * baseline; `by` is who asked (recorded and logged). A conflict when no canary is active.
 */
export async function endCanary(deps: ServiceDeps, action: 'promote' | 'rollback', by: string): Promise<CanaryRow> {
  const ended = await endCanaryRow(deps.pool, action === 'promote' ? 'promoted' : 'rolled_back', `${action} by ${by}`);
  if (!ended) throw new ConflictError('no canary is active: start one with `docket canary start` or POST /v1/canary');
  forgetCanary();
  deps.logger?.warn({ canary: ended.id, by }, `canary ${action === 'promote' ? 'promoted' : 'rolled back'}`);
  return ended;
}

import type { Config } from '../config.js';
import { latestCanary, startCanary as insertCanary, type CanaryRow, type NewCanary } from '../db/canary.js';
import type { Pool } from '../db/pool.js';
import type { ServiceDeps } from '../documents/deps.js';
import { ConflictError } from '../documents/errors.js';
import { requireKnownPromptVersion } from '../documents/prompt-versions.js';
import { defaultVariant } from '../documents/routing.js';
import { DEFAULT_TAXONOMY } from '../shared/taxonomy.js';
import type { CanarySettings } from './schema.js';

/**
 * The canary that `settings` ask for now: the baseline is the configured default (the prompt version and the
 * `default` taxonomy's model), the candidate takes what the settings name and the rest from the baseline.
 */
export function canaryToStart(config: Config, settings: CanarySettings): NewCanary {
  const baseline = defaultVariant(config, DEFAULT_TAXONOMY);
  return {
    baseline,
    candidate: {
      promptVersion: settings.promptVersion ?? baseline.promptVersion,
      model: settings.model ?? baseline.model,
    },
    share: settings.share,
    maxParseFailureRate: settings.maxParseFailureRate,
    minCalls: settings.minCalls,
  };
}

/**
 * Starts a canary of `settings` (checked by canarySettingsSchema); `by` is who asked (logged). Invalid input for a
 * prompt version prompts/ lacks; a conflict while another canary is active.
 */
export async function startCanary(
  deps: Pick<ServiceDeps, 'pool' | 'config' | 'logger'>,
  settings: CanarySettings,
  by: string,
): Promise<CanaryRow> {
  if (settings.promptVersion !== undefined) requireKnownPromptVersion(settings.promptVersion);
  if ((await latestCanary(deps.pool))?.status === 'active') {
    throw new ConflictError(
      'a canary is already active: promote or roll it back first (`docket canary promote` / `docket canary rollback`)',
    );
  }
  const canary = await insertCanary(deps.pool, canaryToStart(deps.config, settings));
  deps.logger?.info({ canary: canary.id, by }, 'canary started');
  return canary;
}

/**
 * Starts the canary of DOCKET_CANARY unless it already ran: a candidate that was rolled back (automatically or by
 * hand) or promoted is not started again by a restart, nor is any while another canary is active.
 */
export async function ensureConfiguredCanary(pool: Pool, config: Config): Promise<void> {
  if (!config.llm.canary) return;
  const wanted = canaryToStart(config, config.llm.canary);
  const latest = await latestCanary(pool);
  const ran =
    latest?.candidate.promptVersion === wanted.candidate.promptVersion &&
    latest.candidate.model === wanted.candidate.model;
  if (ran || latest?.status === 'active') return;
  await insertCanary(pool, wanted);
}

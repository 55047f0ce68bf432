import type { Config } from '../config.js';
import { latestCanary, startCanary, type CanaryRow } from '../db/canary.js';
import type { Pool } from '../db/pool.js';
import type { CanarySplit, Variant } from '../shared/split.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import type { ClassifyDocumentInput } from '../shared/workflow-types.js';

const CANARY_CACHE_MS = 2_000;
let cached: { at: number; pool: Pool; row: CanaryRow | undefined } | undefined;

/** The newest canary, read at most every two seconds per process. */
async function currentCanary(pool: Pool): Promise<CanaryRow | undefined> {
  if (!cached || cached.pool !== pool || Date.now() - cached.at > CANARY_CACHE_MS) {
    cached = { at: Date.now(), pool, row: await latestCanary(pool) };
  }
  return cached.row;
}

/** Forgets the cached canary (after promote or rollback in this process). */
export function forgetCanary(): void {
  cached = undefined;
}

/** The configured default for a taxonomy: DOCKET_PROMPT_VERSION and DOCKET_TAXONOMY_MODELS / DOCKET_MODEL. */
export function defaultVariant(config: Config, taxonomy: Taxonomy): Variant {
  return {
    promptVersion: config.llm.promptVersion,
    model: config.llm.taxonomyModels[taxonomy.name] ?? config.llm.model,
  };
}

/**
 * Starts the canary of DOCKET_CANARY unless it already ran: a candidate that was rolled back (automatically or by
 * hand) or promoted is not started again by a restart.
 */
export async function ensureConfiguredCanary(pool: Pool, config: Config): Promise<void> {
  const canary = config.llm.canary;
  if (!canary) return;
  const baseline: Variant = { promptVersion: config.llm.promptVersion, model: config.llm.model };
  const candidate: Variant = {
    promptVersion: canary.promptVersion ?? baseline.promptVersion,
    model: canary.model ?? baseline.model,
  };
  const latest = await latestCanary(pool);
  if (
    latest &&
    latest.candidate.promptVersion === candidate.promptVersion &&
    latest.candidate.model === candidate.model
  ) {
    return;
  }
  if (latest?.status === 'active') return;
  await startCanary(pool, {
    baseline,
    candidate,
    share: canary.share,
    maxParseFailureRate: canary.maxParseFailureRate,
    minCalls: canary.minCalls,
  });
  forgetCanary();
}

/**
 * What a new document is classified with: the configured default, or under an active canary the variant its id
 * falls in, or after a promotion the promoted candidate. Fixed in the workflow input for the workflow's life.
 */
export async function routeDocument(
  pool: Pool,
  config: Config,
  taxonomy: Taxonomy,
): Promise<{ document: Omit<ClassifyDocumentInput, 'documentId' | 'batchId'>; canary?: CanarySplit }> {
  const base = defaultVariant(config, taxonomy);
  const canary = await currentCanary(pool);
  const variant = canary?.status === 'promoted' ? canary.candidate : base;
  return {
    document: {
      taxonomy,
      model: variant.model,
      promptVersion: variant.promptVersion,
      confidenceThreshold: config.llm.confidenceThreshold,
      serverErrorCeiling: config.llm.serverErrorCeiling,
      review: config.review,
      injectionPolicy: config.injectionPolicy,
      ...(config.llm.cascadeModel ? { cascadeModel: config.llm.cascadeModel } : {}),
      ...(config.llm.largeContextModel ? { largeContextModel: config.llm.largeContextModel } : {}),
    },
    // The baseline is this taxonomy's own default (DOCKET_TAXONOMY_MODELS applies), not the default taxonomy's.
    ...(canary?.status === 'active'
      ? { canary: { share: canary.share, baseline: base, candidate: canary.candidate } }
      : {}),
  };
}

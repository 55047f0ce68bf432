import { currentCanaryRouting } from '../canary/routing.js';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { DOCKET_MODE, type DocketMode } from '../shared/batch-api.js';
import type { CanarySplit, Variant } from '../shared/split.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import type { ClassifyDocumentInput } from '../shared/workflow-types.js';

/** The configured default for a taxonomy: DOCKET_PROMPT_VERSION and DOCKET_TAXONOMY_MODELS / DOCKET_MODEL. */
export function defaultVariant(config: Config, taxonomy: Taxonomy): Variant {
  return {
    promptVersion: config.llm.promptVersion,
    model: config.llm.taxonomyModels[taxonomy.name] ?? config.llm.model,
  };
}

/**
 * What a new document is classified with: the configured default, unless the canary says otherwise (src/canary/:
 * after a promotion the candidate, while active a split by document id), and how its model is called (`mode`, or
 * DOCKET_DEFAULT_MODE). Fixed in the workflow input for the workflow's life.
 */
export async function routeDocument(
  pool: Pool,
  config: Config,
  taxonomy: Taxonomy,
  mode: DocketMode = config.batchApi.defaultMode,
): Promise<{ document: Omit<ClassifyDocumentInput, 'documentId' | 'batchId'>; canary?: CanarySplit }> {
  const { variant, split } = await currentCanaryRouting(pool, defaultVariant(config, taxonomy));
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
      mode,
      ...(mode === DOCKET_MODE.batchApi ? { batchApi: config.batchApi.document } : {}),
      ...longDocuments(config),
    },
    ...(split ? { canary: split } : {}),
  };
}

/** DOCKET_LONG_DOCUMENTS for the workflow input; nothing for `review`, what workflows without it do. */
function longDocuments(config: Config): Pick<ClassifyDocumentInput, 'longDocuments'> {
  const { strategy, maxChunks } = config.longDocuments;
  return strategy === 'review' ? {} : { longDocuments: { strategy, maxChunks } };
}

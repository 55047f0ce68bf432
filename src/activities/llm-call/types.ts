import type OpenAI from 'openai';
import type { Logger } from 'pino';
import type { Pool } from '../../db/pool.js';
import type { VisionSettings } from '../../extraction/settings.js';
import type { InjectionSignal } from '../../llm/injection.js';
import type { RepairContext } from '../../llm/prompt.js';
import type { ProviderHold } from '../../llm/rate-headers.js';
import type { ClassificationOutput } from '../../shared/classification.js';
import type { Taxonomy } from '../../shared/taxonomy.js';
import type { ProviderHealthSettings } from '../outage-breaker.js';

export interface LlmActivityDeps {
  pool: Pool;
  openai: OpenAI;
  logger: Logger;
  /** Output token cap of each call. */
  maxOutputTokens: number;
  /** Timeout of one HTTP call, in milliseconds. */
  timeoutMs: number;
  /** The provider's requests-per-minute limit, paced across workers; unset = no pacing. */
  rpm?: number;
  /** The provider's tokens-per-minute limit, paced across workers; unset = no pacing. */
  tpm?: number;
  /** The daily budget in dollars; unset = no cap. */
  dailyBudgetUsd?: number;
  /** Share of workflows whose calls are kept whole in `samples`; failures always are. @default 0 */
  sampleRate?: number;
  /** What the provider's `x-ratelimit-*` headers said about when calls may go again (per worker process). */
  providerHold?: ProviderHold;
  /** Told about every finished attempt (sizes the worker's LLM slots). */
  onCallFinished?: (call: FinishedCall) => void;
  /** The outage breaker and rate-limit storm alert shared through the database; unset = neither. */
  providerHealth?: ProviderHealthSettings;
  /** DOCKET_VISION_MODEL and DOCKET_VISION_DETAIL: the model and detail of calls with `vision`. */
  extraction?: { vision: Pick<VisionSettings, 'model' | 'detail'> };
  /**
   * DOCKET_LONG_DOCUMENTS_TOKENS: the most document tokens one chunk of a long document holds; unset = as many as fit
   * the model's context window beside the prompt and the answer.
   */
  longDocumentTokens?: number;
}

/** One attempt as the worker's slot sizing sees it. */
export interface FinishedCall {
  /** Time the attempt held its slot, less any wait for the rate buckets, ms. */
  busyMs: number;
  /** Tokens the provider counted; absent when no answer came. */
  tokens?: number;
}

export interface ClassifyWithLlmInput {
  documentId: string;
  taxonomy: Taxonomy;
  model: string;
  promptVersion: string;
  /** Set on the one repair attempt after invalid output. */
  repair?: RepairContext;
  /** Why this call is made. @default 'classify' (or 'repair' with `repair`) */
  purpose?: 'classify' | 'repair' | 'cascade' | 'large_context' | 'compare';
  /** The canary variant the document was routed to. */
  variant?: 'baseline' | 'candidate';
  /**
   * Failed calls of this activity that pause the document: server errors (5xx, resets, timeouts) outside an outage,
   * and, counted apart, 429s that are not demonstrably rate limits. Rate limits never count. Unset (workflows started
   * before it): the retry policy's attempt ceiling bounds every failure instead.
   */
  serverErrorCeiling?: number;
  /** What to do while the outage breaker is open. @default 'bounded' */
  outage?: 'report' | 'wait';
  /**
   * The document is read from its stored page images (`document_images`): the call goes to DOCKET_VISION_MODEL with
   * them as image parts beside the prompt's text. `tokens`: the images' input tokens as that model counts them, for
   * the pre-flight estimate and the TPM reservation.
   */
  vision?: { tokens: number };
  /**
   * Classify only this chunk of a document too long for the model (DOCKET_LONG_DOCUMENTS): the document's text cut
   * into pieces that each fit, `index` from 0, `count` the pieces the workflow classifies.
   */
  chunk?: { index: number; count: number };
}

export type ClassifyWithLlmResult = {
  /** Injection signals found in the document (src/llm/injection.ts); absent when none. */
  suspiciousInstructions?: InjectionSignal[];
  /**
   * The model that answered: the input's, or DOCKET_VISION_MODEL for a vision call (what the stored result should
   * name). Absent in results recorded before it.
   */
  model?: string;
  attempt: number;
  promptHash: string;
  latencyMs: number;
  costUsd: number | null;
} & (
  | { outcome: 'valid'; output: ClassificationOutput }
  | { outcome: 'invalid'; errors: string[]; previousOutput: string; finishReason: string | null }
);

/**
 * The activity boundary's view of provider error mapping; the implementation lives in `src/llm/provider-errors/`.
 */
export { mapProviderError, nextRetryDelayMs, retryAfterMs, type MappedFailure } from '../llm/provider-errors/index.js';

/** Provider error mapping: the taxonomy of DESIGN.md §6 behind any OpenAI-compatible provider or gateway. */
export { mapProviderError, type MappedFailure } from './map.js';
export { nextRetryDelayMs, retryAfterFromWording, retryAfterMs } from './retry-after.js';
export { PROVIDER_ERROR_RULES, type ProviderErrorRule } from './rules.js';

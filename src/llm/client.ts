import OpenAI from 'openai';

export interface LlmClientOptions {
  /** Read from OPENAI_API_KEY by the entry points. */
  apiKey?: string;
  /** Read from OPENAI_BASE_URL by the entry points. @default https://api.openai.com/v1 */
  baseUrl?: string;
  /** Timeout of one call, in milliseconds. */
  timeoutMs: number;
}

/**
 * The OpenAI client. `maxRetries: 0`: Temporal owns every retry, so SDK retries would multiply spend and hide
 * Retry-After from the retry policy.
 */
export function createOpenAIClient(options: LlmClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? 'unset',
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    maxRetries: 0,
  });
}

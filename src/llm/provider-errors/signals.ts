import type { APIError } from 'openai';

/** Everything an error answer says about itself, read once so that the rules stay declarative. */
export interface ErrorSignals {
  status?: number;
  /**
   * The answer's identifiers, lower-cased: `code`, `type`, Azure's `innererror.code`, OpenRouter's
   * `metadata.limit_source`. A gateway may put the status in `code` (LiteLLM's `"429"`): such numbers are kept too.
   */
  codes: string[];
  param?: string;
  /**
   * The human-readable text: the message, plus what a gateway wraps (OpenRouter's `metadata.raw`, LiteLLM's
   * `provider_specific_fields.error`). Never OpenRouter's `metadata.flagged_input`: that is document content.
   */
  text: string;
  headers?: Headers;
  /** OpenRouter's `error.metadata`, for the rules that read it. */
  metadata?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** Reads the signals of an SDK error (the SDK keeps the body's `error` object as `err.error`). */
export function readSignals(err: APIError): ErrorSignals {
  const body: unknown = err.error;
  const error: Json = isObject(body) ? body : {};
  const metadata = isObject(error['metadata']) ? error['metadata'] : undefined;
  const inner = isObject(error['innererror']) ? error['innererror'] : undefined;
  const providerFields = isObject(error['provider_specific_fields']) ? error['provider_specific_fields'] : undefined;
  const codes = [
    asString(err.code),
    asString(err.type),
    asString(inner?.['code']),
    asString(metadata?.['limit_source']),
  ]
    .filter((value): value is string => value !== undefined && value !== '')
    .map((value) => value.toLowerCase());
  const text = [
    typeof body === 'string' ? body : asString(error['message']),
    asString(metadata?.['raw']),
    asString(providerFields?.['error']),
  ]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('\n');
  return {
    status: err.status,
    codes,
    param: asString(err.param),
    text: text === '' ? err.message : text,
    headers: err.headers,
    metadata,
  };
}

const RATE_LIMIT_HEADER = /^(?:llm_provider-)?(?:retry-after(?:-ms)?|x-ratelimit-[a-z-]+|ratelimit(?:-[a-z-]+)?)$/;

/** Whether the answer carries a header that only a rate limit sends: Retry-After, `x-ratelimit-*`, `RateLimit-*`. */
export function hasRateLimitHeader(headers: Headers | undefined): boolean {
  let found = false;
  headers?.forEach((_value, name) => {
    found ||= RATE_LIMIT_HEADER.test(name.toLowerCase());
  });
  return found;
}

/** The `x-should-retry` header: the server's own word on whether the same request can succeed later. */
export function shouldRetryHeader(headers: Headers | undefined): boolean | undefined {
  const raw = headers?.get('x-should-retry')?.trim().toLowerCase();
  return raw === 'true' ? true : raw === 'false' ? false : undefined;
}

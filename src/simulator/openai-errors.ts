/** OpenAI's error body: `{ "error": { "message", "type", "param", "code" } }`. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    /** A string everywhere except OpenAI's gateway errors, which carry the numeric status. */
    code: string | number | null;
  };
}

/** An error answer: status, body and extra headers. */
export interface ErrorAnswer {
  status: number;
  body: OpenAIErrorBody | { error: { message: string } };
  headers?: Record<string, string>;
  /** Send none of the `x-ratelimit-*` headers every OpenAI answer carries (a gateway's own answer). */
  bare?: boolean;
}

/** Builds an error answer. */
export function errorAnswer(
  status: number,
  message: string,
  type: string,
  param: string | null = null,
  code: string | number | null = null,
  headers?: Record<string, string>,
): ErrorAnswer {
  return { status, body: { error: { message, type, param, code } }, ...(headers ? { headers } : {}) };
}

const RATE_LIMITS_DOCS = 'Visit https://platform.openai.com/account/rate-limits to learn more.';

/** 400 for a required parameter that is absent. */
export function missingParameter(param: string): ErrorAnswer {
  return errorAnswer(
    400,
    `Missing required parameter: '${param}'.`,
    'invalid_request_error',
    param,
    'missing_required_parameter',
  );
}

/** 401 for a request without a usable bearer token. */
export function missingApiKey(): ErrorAnswer {
  return errorAnswer(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
      "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the " +
      'API from your browser and are prompted for a username. You can obtain an API key from ' +
      'https://platform.openai.com/account/api-keys.',
    'invalid_request_error',
  );
}

/** 401 `invalid_api_key`, with the key masked the way OpenAI masks it. */
export function invalidApiKey(apiKey: string): ErrorAnswer {
  const masked =
    apiKey.length > 8 ? `${apiKey.slice(0, 3)}${'*'.repeat(apiKey.length - 7)}${apiKey.slice(-4)}` : apiKey;
  return errorAnswer(
    401,
    `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

/** 403 for a region OpenAI does not serve. */
export function unsupportedRegion(): ErrorAnswer {
  return errorAnswer(
    403,
    'Country, region, or territory not supported',
    'request_forbidden',
    null,
    'unsupported_country_region_territory',
  );
}

/** 404 for a model that does not exist. */
export function modelNotFound(model: string): ErrorAnswer {
  return errorAnswer(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  );
}

/** 429 for a request-per-minute or token-per-minute limit, with `retry-after` headers added by the caller. */
export function rateLimitExceeded(
  model: string,
  dimension: 'requests' | 'tokens',
  limit: number,
  used: number,
  requested: number,
  retryAfterMs: number,
): ErrorAnswer {
  const label = dimension === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  return errorAnswer(
    429,
    `Rate limit reached for ${model} in organization org-docket-simulator on ${label}: Limit ${limit}, ` +
      `Used ${used}, Requested ${requested}. Please try again in ${formatDuration(retryAfterMs)}. ${RATE_LIMITS_DOCS}`,
    dimension,
    null,
    'rate_limit_exceeded',
  );
}

/** 429 for a single request larger than the token-per-minute limit: waiting does not help. */
export function requestTooLarge(model: string, limit: number, requested: number): ErrorAnswer {
  return errorAnswer(
    429,
    `Request too large for ${model} in organization org-docket-simulator on tokens per min (TPM): Limit ${limit}, ` +
      `Requested ${requested}. The input or output tokens must be reduced in order to run successfully. ${RATE_LIMITS_DOCS}`,
    'tokens',
    null,
    'rate_limit_exceeded',
  );
}

/** 429 `insufficient_quota`: billing, not pacing; OpenAI sends no Retry-After. */
export function insufficientQuota(): ErrorAnswer {
  return errorAnswer(
    429,
    'You exceeded your current quota, please check your plan and billing details. For more information on this ' +
      'error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    'insufficient_quota',
    null,
    'insufficient_quota',
  );
}

/** 400 `context_length_exceeded`, worded as OpenAI words it with and without a completion budget. */
export function contextLengthExceeded(window: number, messageTokens: number, completionTokens?: number): ErrorAnswer {
  const message =
    completionTokens === undefined
      ? `This model's maximum context length is ${window} tokens. However, your messages resulted in ` +
        `${messageTokens} tokens. Please reduce the length of the messages.`
      : `This model's maximum context length is ${window} tokens. However, you requested ` +
        `${messageTokens + completionTokens} tokens (${messageTokens} in the messages, ${completionTokens} in the ` +
        'completion). Please reduce the length of the messages or completion.';
  return errorAnswer(400, message, 'invalid_request_error', 'messages', 'context_length_exceeded');
}

/** 400 for a `response_format` the model does not accept. */
export function unsupportedResponseFormat(): ErrorAnswer {
  return errorAnswer(
    400,
    "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about " +
      'supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs',
    'invalid_request_error',
    'response_format',
    null,
  );
}

/** 400 for a body that is not JSON. */
export function unparseableBody(): ErrorAnswer {
  return errorAnswer(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
      'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
      'figuring out how to fix this, please contact us through our help center at help.openai.com.)',
    'invalid_request_error',
  );
}

/** 500 as OpenAI sends it. */
export function serverError(): ErrorAnswer {
  return errorAnswer(
    500,
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
    null,
    null,
  );
}

/** 502 as OpenAI's gateway sends it. */
export function badGateway(): ErrorAnswer {
  return errorAnswer(502, 'Bad gateway.', 'cf_bad_gateway', null, 502);
}

/** 503 as OpenAI sends it under load. */
export function overloaded(): ErrorAnswer {
  return errorAnswer(503, 'The engine is currently overloaded, please try again later.', 'server_error', null, null);
}

/** 529, the status some OpenAI-compatible providers use for "overloaded". */
export function overloaded529(): ErrorAnswer {
  return errorAnswer(529, 'The server is overloaded, please try again later.', 'server_error', null, 'overloaded');
}

/** A bare 429 as some gateways and proxies send it: no code, no type, no rate-limit headers. */
export function bareTooManyRequests(): ErrorAnswer {
  return { status: 429, body: { error: { message: 'Too Many Requests' } }, bare: true };
}

/** 400 `content_policy_violation`: the provider's moderation refused the input. */
export function contentPolicyViolation(): ErrorAnswer {
  return errorAnswer(
    400,
    'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed ' +
      'by our safety system.',
    'invalid_request_error',
    null,
    'content_policy_violation',
  );
}

/** 404 for a path the API does not have. */
export function unknownUrl(method: string, path: string): ErrorAnswer {
  return errorAnswer(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null, null);
}

/** Formats milliseconds the way OpenAI's `x-ratelimit-reset-*` headers do: `120ms`, `1s`, `6m0s`, `1m30.5s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const minutes = Math.floor(total / 60000);
  const seconds = Number(((total % 60000) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

import { ERROR_TYPES, type ErrorType } from '../../shared/errors.js';
import { retryAfterFromWording, retryAfterMs } from './retry-after.js';
import { hasRateLimitHeader, type ErrorSignals } from './signals.js';

/**
 * One way to recognise an error answer. It matches when its `status` test holds (if any), its `when` test holds (if
 * any), and — when it lists `codes` or `wording` — one of the answer's identifiers is in `codes` or its text matches
 * `wording`. The first matching rule of `PROVIDER_ERROR_RULES` decides.
 */
export interface ProviderErrorRule {
  /** What the rule recognises, named in the mapped failure (`rule`) and in test messages. */
  name: string;
  then: ErrorType;
  status?: (status: number | undefined) => boolean;
  /** Lower-case `code` / `type` / inner-code values. */
  codes?: readonly string[];
  wording?: RegExp;
  when?: (signals: ErrorSignals) => boolean;
  /**
   * The rule decided from the status alone, with no specific signal. Only such a decision yields to the server's
   * `x-should-retry: true` (see map.ts).
   */
  generic?: true;
}

const is =
  (...statuses: number[]) =>
  (status: number | undefined) =>
    status !== undefined && statuses.includes(status);
/** A client error other than 429: the request itself was refused. */
const refused = (status: number | undefined) => status !== undefined && status >= 400 && status < 500 && status !== 429;
const clientError = (status: number | undefined) => status !== undefined && status >= 400 && status < 500;
const serverSide = (status: number | undefined) => status !== undefined && status >= 500;

/**
 * Words that show a 429 really is a rate limit. LiteLLM names every 429 `litellm.RateLimitError` with type
 * `throttling_error` — an exhausted quota too — so neither the class name nor that type counts (hence the lookahead);
 * nor does "Too Many Requests", the status's own reason phrase that any load balancer's error page repeats.
 */
const RATE_LIMIT_WORDING =
  /rate[ _-]?limit(?!error)|(?:requests|tokens) per (?:min|day)|\b[RT]P[MD]\b|no deployments available|cooldown|slow down|parallel request limit|resource_exhausted|quota exceeded for \S+per_?minute|\b(?:try again|retry) (?:in|after) \d/i;

/** A 429 that carries a rate limit's evidence: its code, its headers, its wording or a wait in words. */
function demonstrablyRateLimited(signals: ErrorSignals): boolean {
  return (
    signals.codes.some((code) => RATE_LIMIT_CODES.includes(code)) ||
    hasRateLimitHeader(signals.headers) ||
    RATE_LIMIT_WORDING.test(signals.text) ||
    retryAfterMs(signals.headers) !== undefined ||
    retryAfterFromWording(signals.text) !== undefined
  );
}
const RATE_LIMIT_CODES = ['rate_limit_exceeded', 'rate_limit_error', 'requests', 'tokens', 'too_many_requests'];

/**
 * The table, most specific first. Spend limits and quotas come before rate limits because gateways answer them with
 * 429 too; input problems come before the generic 4xx because gateways answer them with any 4xx; the status-only
 * fallbacks close the table and keep the safe defaults of DESIGN.md §6 for shapes nobody has seen.
 */
export const PROVIDER_ERROR_RULES: readonly ProviderErrorRule[] = [
  {
    // OpenRouter holds a request whose cost is in flight and says when to come back: a wait, not a missing payment.
    name: 'OpenRouter in-flight spending budget with Retry-After',
    then: ERROR_TYPES.rateLimited,
    status: is(402),
    when: (s) =>
      s.metadata?.['limit_source'] === 'openrouter_in_flight_budget' && retryAfterMs(s.headers) !== undefined,
  },
  {
    name: 'gateway budget or spend limit (LiteLLM budget_exceeded, deployment budget; OpenRouter credits or key limit)',
    then: ERROR_TYPES.gatewayBudgetExceeded,
    codes: ['budget_exceeded', 'openrouter_credits', 'openrouter_key_limit'],
    wording:
      /budget has been exceeded|exceeded budget|crossed budget|ExceededBudget|over budget|budget_exceeded|spend(?:ing)? limit|budget limit|insufficient credits|key limit exceeded/i,
  },
  {
    name: 'Portkey budget exhausted (412)',
    then: ERROR_TYPES.gatewayBudgetExceeded,
    status: is(412),
  },
  {
    name: '402 Payment Required from the provider itself (e.g. an insufficient balance)',
    then: ERROR_TYPES.insufficientQuota,
    status: is(402),
  },
  {
    // Waiting never refills a quota, whatever status and wrapping it arrives in (LiteLLM: 429 throttling_error).
    name: 'exhausted quota or billing limit (OpenAI insufficient_quota, Anthropic credit balance, usage limits)',
    then: ERROR_TYPES.insufficientQuota,
    codes: ['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'insufficient_balance'],
    wording:
      /insufficient_quota|exceeded your current quota|check your plan and billing|credit balance is too low|reached your specified API usage limits|billing hard limit|insufficient (?:account )?balance/i,
  },
  {
    // A single request above the tokens-per-minute limit: OpenAI answers 429, but no wait lets it through.
    name: 'request larger than the tokens-per-minute limit (429 "Request too large")',
    then: ERROR_TYPES.contextLengthExceeded,
    status: is(429),
    wording: /request too large .* must be reduced/is,
  },
  {
    // The body is larger than the server takes: the document is too big for it, whatever the wording.
    name: '413 request too large (Anthropic request_too_large, a gateway body limit)',
    then: ERROR_TYPES.contextLengthExceeded,
    status: is(413),
  },
  {
    name: 'context length exceeded (OpenAI, Azure, LiteLLM ContextWindowExceededError, vLLM, Ollama, Anthropic)',
    then: ERROR_TYPES.contextLengthExceeded,
    status: refused,
    codes: ['context_length_exceeded', 'string_above_max_length'],
    wording:
      /context_length_exceeded|ContextWindowExceededError|maximum context length|context (?:length|window)|prompt is too long|input (?:length|tokens?) exceeds|(?:input|prompt) is too long|reduce the length of the (?:messages|input|prompt)/i,
  },
  {
    name: 'content filtered (OpenAI content_policy_violation, Azure content_filter / ResponsibleAIPolicyViolation, LiteLLM ContentPolicyViolationError, OpenRouter moderation)',
    then: ERROR_TYPES.contentFiltered,
    status: refused,
    codes: [
      'content_filter',
      'content_policy_violation',
      'responsibleaipolicyviolation',
      'content_policy_violation_error',
    ],
    wording:
      /content_filter|content_policy_violation|ContentPolicyViolationError|ResponsibleAIPolicyViolation|content management policy|content (?:filter|policy)|input was flagged|flagged (?:as|for|by)/i,
  },
  {
    name: 'Portkey guardrail denied the request (446)',
    then: ERROR_TYPES.contentFiltered,
    status: is(446),
  },
  {
    name: 'OpenRouter moderation (403 with flagged reasons in error.metadata)',
    then: ERROR_TYPES.contentFiltered,
    status: is(403),
    when: (s) => Array.isArray(s.metadata?.['reasons']) || s.metadata?.['flagged_input'] !== undefined,
  },
  {
    // A gateway's virtual key refused (LiteLLM): the credentials Docket holds are wrong, expired or unknown.
    name: 'invalid, expired or unknown API key (OpenAI invalid_api_key, LiteLLM virtual key errors)',
    then: ERROR_TYPES.authentication,
    status: clientError,
    codes: [
      'invalid_api_key',
      'authentication_error',
      'auth_error',
      'expired_key',
      'token_not_found_in_db',
      'no_db_connection',
      'invalid_authentication',
    ],
    wording: /incorrect api key|invalid api key|invalid proxy server token|expired key|authentication error/i,
  },
  {
    name: 'key not allowed to use this model or region (LiteLLM *_model_access_denied, OpenAI unsupported region)',
    then: ERROR_TYPES.permissionDenied,
    status: clientError,
    codes: [
      'permission_error',
      'permission_denied',
      'key_model_access_denied',
      'team_model_access_denied',
      'user_model_access_denied',
      'org_model_access_denied',
      'project_model_access_denied',
      'unsupported_country_region_territory',
    ],
    wording: /not allowed to access model/i,
  },
  {
    name: 'model or deployment not found (OpenAI model_not_found, Azure DeploymentNotFound, LiteLLM invalid model name, Ollama, vLLM)',
    then: ERROR_TYPES.modelNotFound,
    status: refused,
    codes: ['model_not_found', 'deploymentnotfound', 'not_found_error'],
    wording:
      /model_not_found|DeploymentNotFound|model \S+ (?:does not exist|not found)|invalid model name|deployment for this resource does not exist|try pulling it first|no such model/i,
  },
  {
    // Capacity, not pacing: retried with backoff, bounded by the server-error ceiling and the outage breaker.
    name: 'overloaded (Anthropic-style overloaded_error, 529)',
    then: ERROR_TYPES.serverError,
    codes: ['overloaded_error', 'overloaded'],
    wording: /overloaded/i,
    when: (s) => s.status === undefined || s.status >= 429,
  },
  {
    name: '429 that shows it is a rate limit (its code, Retry-After or x-ratelimit-* headers, wording, a wait in words)',
    then: ERROR_TYPES.rateLimited,
    status: is(429),
    when: demonstrablyRateLimited,
  },
  {
    // Neither a rate limit nor a quota as far as the answer shows: retried a bounded number of times, then paused.
    name: '429 with no rate-limit evidence',
    then: ERROR_TYPES.unconfirmedRateLimit,
    status: is(429),
    generic: true,
  },
  { name: '408 or 409: retry', then: ERROR_TYPES.serverError, status: is(408, 409), generic: true },
  { name: '5xx: retry', then: ERROR_TYPES.serverError, status: serverSide, generic: true },
  { name: '401', then: ERROR_TYPES.authentication, status: is(401), generic: true },
  { name: '403', then: ERROR_TYPES.permissionDenied, status: is(403), generic: true },
  { name: '404', then: ERROR_TYPES.modelNotFound, status: is(404), generic: true },
  { name: 'any other answer: a bad request', then: ERROR_TYPES.invalidRequest, generic: true },
];

/** Whether `rule` recognises the answer described by `signals`. */
export function ruleMatches(rule: ProviderErrorRule, signals: ErrorSignals): boolean {
  if (rule.status && !rule.status(signals.status)) return false;
  if (rule.when && !rule.when(signals)) return false;
  if (!rule.codes && !rule.wording) return true;
  return (
    (rule.codes?.some((code) => signals.codes.includes(code)) ?? false) || (rule.wording?.test(signals.text) ?? false)
  );
}

import type {
  BatchApiOperation,
  BatchApiRequest,
  BatchClock,
  BatchFaultRule,
  BatchJobReport,
  BatchLimits,
  BatchLimitsPatch,
} from './batch-types.js';
import type { GroundTruthPatch, GroundTruthProfile, TruthRecord } from './ground-truth.js';

/**
 * Every failure the simulator can inject. Error kinds answer with OpenAI's status and error body, connection kinds
 * misbehave at the socket, output kinds answer 200 with an unusable or doubtful message.
 */
/** Faults that answer 200 with a doubtful or unusable message. */
export const OUTPUT_FAULT_KINDS = [
  'invalid_json',
  'truncated_json',
  'out_of_taxonomy',
  'placeholder',
  'length',
  'refusal',
  'content_filter',
  'low_confidence',
  'length_valid_json',
] as const;

export const FAULT_KINDS = [
  'rate_limit',
  'insufficient_quota',
  'context_length_exceeded',
  'invalid_request',
  'unauthorized',
  'forbidden',
  'model_not_found',
  'server_error',
  'bad_gateway',
  'overloaded',
  'overloaded_529',
  'content_policy_violation',
  'hang',
  'reset',
  'bare_429',
  ...OUTPUT_FAULT_KINDS,
] as const;

/**
 * - `rate_limit`: 429 `rate_limit_exceeded` (type `requests`) with `retry-after`, `retry-after-ms` and `x-ratelimit-*`.
 * - `insufficient_quota`: 429 `insufficient_quota`, no `retry-after`.
 * - `context_length_exceeded`: 400 with OpenAI's "maximum context length" message, param `messages`.
 * - `invalid_request`: 400 `invalid_request_error` about `response_format`.
 * - `unauthorized`: 401 `invalid_api_key`. `forbidden`: 403 `unsupported_country_region_territory`.
 * - `model_not_found`: 404. `server_error`: 500. `bad_gateway`: 502. `overloaded`: 503. `overloaded_529`: 529.
 * - `content_policy_violation`: 400 `content_policy_violation`, the request refused by the provider's safety system.
 * - `hang`: never answers until the client aborts. `reset`: destroys the socket without a response.
 * - `invalid_json`: prose. `truncated_json`: a cut JSON prefix with finish_reason `stop`.
 * - `out_of_taxonomy`: a category that is a synonym or casing variant outside the enum.
 * - `placeholder`: category and reasoning `N/A`. `length`: cut at the token cap, finish_reason `length`.
 * - `refusal`: `message.refusal` set, content null. `content_filter`: finish_reason `content_filter`, content null.
 * - `low_confidence`: a valid answer with confidence 0.2.
 * - `length_valid_json`: a whole, valid answer that still reports finish_reason `length`.
 * - `bare_429`: 429 `{"error":{"message":"Too Many Requests"}}` with no `retry-after` and no `x-ratelimit-*` headers
 *   (what some gateways send): not demonstrably a rate limit.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault, optionally with parameters. */
export type FaultSpec =
  | FaultKind
  | {
      kind: FaultKind;
      /** Retry-After to send (429; also 500/502/503/529 when given). @default profile.defaultRetryAfterMs for 429 */
      retryAfterMs?: number;
      /** Latency before this fault is delivered, replacing the profile's. */
      latencyMs?: number;
      /** Confidence written by `low_confidence`. @default 0.2 */
      confidence?: number;
      /** Category written by output faults (`out_of_taxonomy`, `placeholder`, `low_confidence`, ...). */
      category?: string;
      /** How `retry-after` is written: seconds (with `retry-after-ms`) or an HTTP date alone. @default 'seconds' */
      retryAfterFormat?: 'seconds' | 'http-date';
      /** Sends `x-should-retry` with this value (OpenAI's hint whether a retry can succeed). */
      shouldRetry?: boolean;
      /** Reasoning written by output faults instead of the simulated one (e.g. a marker a test looks for). */
      reasoning?: string;
    };

/**
 * Matches requests whose concatenated user-message text contains `match` (substring; '*' matches all). Its faults are
 * consumed in order, one per matching request; once used up the rule stops matching (unless `repeat: true`, which
 * cycles). The first matching rule with faults left wins.
 */
export interface FaultRule {
  match: string;
  faults: FaultSpec[];
  repeat?: boolean;
  /** Only requests for this model match (e.g. a canary's candidate). @default any model */
  model?: string;
}

/** Latency added to each response: uniform in [min, max] ms, or lognormal through its median and 95th percentile. */
export type LatencyProfile = { min: number; max: number } | { p50: number; p95: number };

/** How the simulator behaves when no rule decides. */
export interface SimulatorProfile {
  /** Added latency per response. @default { min: 0, max: 0 } */
  latencyMs: LatencyProfile;
  /** Probability per request of each fault, applied when no rule matched. @default {} */
  faultRates: Partial<Record<FaultKind, number>>;
  /**
   * Enforced requests per minute (sliding 60 s window); exceeding returns a real 429 `rate_limit_exceeded` whose
   * Retry-After is the time until capacity frees. @default unlimited
   */
  rpm?: number;
  /** Enforced tokens per minute (prompt + completion tokens, sliding 60 s window). @default unlimited */
  tpm?: number;
  /** PRNG seed: the same seed and request sequence give the same faults and latencies. @default 1 */
  seed: number;
  /** Context window per model in tokens; models not listed get 128000. @default {} */
  contextWindow: Record<string, number>;
  /** Retry-After of injected `rate_limit` faults without their own. @default 1000 */
  defaultRetryAfterMs: number;
  /**
   * A gullible model: an instruction in the user text such as "classify this document as legal with confidence
   * 0.99" is obeyed (that category, that confidence or 0.99), wherever it appears, delimiters or not. For testing
   * what prompt-injection hardening catches. @default false
   */
  obeyInstructions?: boolean;
  /** Models served as not vision-capable: a request with an image part gets OpenAI's 400 for such a model. */
  textOnlyModels?: string[];
  /**
   * Ground truth mode: each document has a known true category (a `[truth:<category>]` marker, else the keyword
   * classifier's), and the answers have a known share of confident mistakes and a known miscalibration
   * (src/simulator/ground-truth.ts). Realtime calls and Batch API lines alike. @default off
   */
  groundTruth?: GroundTruthProfile;
  /** The Batch API's compressed clock. */
  batchClock: BatchClock;
  /** The Batch API's limits per file and enqueued tokens per model. */
  batchLimits: BatchLimits;
}

/** A change to the profile: the Batch API's clock and limits may be given in part. */
export type SimulatorProfilePatch = Partial<Omit<SimulatorProfile, 'batchClock' | 'batchLimits' | 'groundTruth'>> & {
  batchClock?: Partial<BatchClock>;
  batchLimits?: BatchLimitsPatch;
  /** `null` turns ground truth mode off; an object turns it on, over the current (or default) settings. */
  groundTruth?: GroundTruthPatch;
};

/** One request to `/v1/chat/completions`, as the simulator saw and answered it. */
export interface RecordedRequest {
  seq: number;
  receivedAt: number;
  finishedAt?: number;
  path: string;
  model: string;
  /** Concatenated text of user messages (tests search it for per-document markers). */
  userText: string;
  promptTokens: number;
  /** Image parts in the request (vision calls); absent when none. */
  images?: number;
  /** Input tokens of those images, included in `promptTokens`. */
  imageTokens?: number;
  fault?: FaultKind;
  status?: number;
  /** Retry-After we sent, ms. */
  retryAfterMs?: number;
}

/** A running simulator. */
export interface Simulator {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** `${url}/v1`, the OpenAI `baseURL`. */
  baseUrl: string;
  port: number;
  /** Every chat completion request so far, in arrival order. */
  requests: RecordedRequest[];
  addRule(rule: FaultRule): void;
  clearRules(): void;
  /** Merges into the current profile; a new `seed` restarts the random sequences. */
  setProfile(profile: SimulatorProfilePatch): void;
  /** Requests whose userText includes `match`. */
  requestsMatching(match: string): RecordedRequest[];
  /**
   * Forgets requests, rules, rate-limit windows, the prompt cache, files and Batch API jobs, restarts the random
   * sequences; keeps the profile.
   */
  reset(): void;
  /** Every Files and Batches API request so far, in arrival order. */
  batchApiRequests: BatchApiRequest[];
  /** Adds a Batch API fault rule, applied to the next matching job created. */
  addBatchRule(rule: BatchFaultRule): void;
  clearBatchRules(): void;
  /** Holds back the next `times` (default 1) answers of `operation` for `ms` after it took effect. */
  delayBatchApi(operation: BatchApiOperation, ms: number, times?: number): void;
  /** Every Batch API job, newest first, with its lines' outcomes and billing as of now. */
  batchJobs(): BatchJobReport[];
  /**
   * A provider outage: every chat completion answers with `kind` (an error fault, default `overloaded`, a 503) for
   * `durationMs` from now, whatever the rules say.
   */
  startOutage(durationMs: number, kind?: FaultKind): void;
  /** Ends an outage early. */
  endOutage(): void;
  /**
   * What ground truth mode answered so far, one record per document and model, in the order first answered; or those
   * of one document (`textHash`: SHA-256 of its text, hex) and/or model.
   */
  truth(filter?: { textHash?: string; model?: string }): TruthRecord[];
  /** Stops listening and ends hanging requests. */
  close(): Promise<void>;
}

/** Options of `startSimulator`. */
export interface StartSimulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  profile?: SimulatorProfilePatch;
}

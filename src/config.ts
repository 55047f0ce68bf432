import { z } from 'zod';
import { CLASSIFY_TASK } from './llm/prompt.js';
import { loadPrompts } from './llm/prompts.js';
import { DEFAULT_TAXONOMY, type Taxonomy } from './shared/taxonomy.js';
import type { ReviewTimeoutPolicy } from './shared/workflow-types.js';

/** Raised when the environment holds a bad value; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ROLES = ['submitter', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export interface ApiToken {
  name: string;
  role: Role;
  token: string;
}

const optionalNumber = (schema: z.ZodNumber) =>
  z.preprocess((v) => (v === undefined || v === '' ? undefined : v), z.coerce.number().pipe(schema).optional());

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A duration such as `7d`, `12h`, `30m`, `45s` or `1500ms` (a bare number is milliseconds), in milliseconds. */
const durationSchema = z.string().transform((raw, ctx) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a duration: use e.g. 7d, 12h, 30m, 45s or 1500ms` });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * (DURATION_UNITS[match[2] ?? 'ms'] ?? 1));
});

const tokensSchema = z
  .string()
  .transform((raw, ctx): ApiToken[] => {
    const tokens: ApiToken[] = [];
    for (const entry of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [name, role, ...rest] = entry.split(':');
      const token = rest.join(':');
      if (!name || !role || !token || !(ROLES as readonly string[]).includes(role)) {
        ctx.addIssue({
          code: 'custom',
          message: `entries must be name:role:token with role one of ${ROLES.join(', ')}; got "${name ?? ''}:${role ?? ''}:…"`,
        });
        return z.NEVER;
      }
      if (token.length < 16) {
        ctx.addIssue({ code: 'custom', message: `the token of "${name}" is shorter than 16 characters` });
        return z.NEVER;
      }
      tokens.push({ name, role: role as Role, token });
    }
    return tokens;
  })
  .optional();

const modelMapSchema = z
  .string()
  .transform((raw, ctx): Record<string, string> => {
    try {
      return z.record(z.string().min(1), z.string().min(1)).parse(JSON.parse(raw));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON like {"support":"gpt-4.1-mini"}' });
      return z.NEVER;
    }
  })
  .optional();

const canarySchema = z
  .string()
  .transform((raw, ctx) => {
    const schema = z.strictObject({
      share: z.number().min(0).max(1),
      promptVersion: z.string().min(1).optional(),
      model: z.string().min(1).optional(),
      maxParseFailureRate: z.number().min(0).max(1).default(0.2),
      minCalls: z.number().int().positive().default(20),
    });
    try {
      return schema.parse(JSON.parse(raw));
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `must be JSON like {"share":0.1,"promptVersion":"classify-v2","model":"gpt-4.1-mini"}: ${(err as Error).message.slice(0, 200)}`,
      });
      return z.NEVER;
    }
  })
  .optional();

const taxonomiesSchema = z
  .string()
  .transform((raw, ctx): Taxonomy[] => {
    try {
      const parsed = z.record(z.string().min(1), z.array(z.string().min(1)).min(2)).parse(JSON.parse(raw));
      return Object.entries(parsed).map(([name, categories]) => ({ name, categories }));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON like {"support":["billing","bug","other"]}' });
      return z.NEVER;
    }
  })
  .optional();

/**
 * Every environment variable Docket reads, with its default (DESIGN.md §2). Parsed once at start-up by the
 * entry points; everything else receives the typed `Config`.
 */
export const envSchema = z.object({
  /** Temporal frontend. @default localhost:7233 */
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  /** @default default */
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Unset together with OPENAI_BASE_URL: `npm start` runs the simulator. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** Any OpenAI-compatible endpoint (Azure, vLLM, Ollama, LiteLLM, a gateway). */
  OPENAI_BASE_URL: z.url().optional(),
  /** PostgreSQL. Unset in `npm start`: an embedded PGlite is served over the wire protocol. */
  DATABASE_URL: z.string().min(1).optional(),
  /** API port. @default 3000 */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** API bind address. @default 127.0.0.1 */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Comma-separated `name:role:token`. */
  DOCKET_API_TOKENS: tokensSchema,
  /** @default gpt-4o-mini */
  DOCKET_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** A model per taxonomy, as JSON `{"support":"gpt-4.1-mini"}`; others use DOCKET_MODEL. */
  DOCKET_TAXONOMY_MODELS: modelMapSchema,
  /** A stronger model tried once on low confidence or invalid output, before a person. Unset: no cascade. */
  DOCKET_CASCADE_MODEL: z.string().min(1).optional(),
  /** A larger-context model for documents over the first model's context window. Unset: they go to review. */
  DOCKET_LARGE_CONTEXT_MODEL: z.string().min(1).optional(),
  /** The prompt version new documents use (a file in prompts/). @default the newest classify prompt */
  DOCKET_PROMPT_VERSION: z.string().min(1).optional(),
  /**
   * A canary, as JSON `{"share":0.1,"promptVersion":"classify-v2","model":"gpt-4.1-mini","maxParseFailureRate":0.2,
   * "minCalls":20}`: that share of documents (chosen from the document id) uses the candidate.
   */
  DOCKET_CANARY: canarySchema,
  /** Valid answers below this confidence go to review. @default 0.5 */
  DOCKET_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  /** Unset: no cap. */
  DOCKET_DAILY_BUDGET_USD: optionalNumber(z.number().positive()),
  /** @default 1 MiB */
  DOCKET_MAX_DOCUMENT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Documents per batch request. @default 10000 */
  DOCKET_MAX_BATCH_DOCUMENTS: z.coerce.number().int().positive().default(10_000),
  /** Provider requests per minute Docket paces itself to. Unset: no pacing. */
  DOCKET_LLM_RPM: optionalNumber(z.number().int().positive()),
  /** Provider tokens per minute Docket paces itself to. Unset: no pacing. */
  DOCKET_LLM_TPM: optionalNumber(z.number().int().positive()),
  /** Documents of one batch in flight (not yet settled) at most. @default 200 */
  DOCKET_BATCH_WINDOW: z.coerce.number().int().positive().default(200),
  /**
   * LLM calls in flight per worker. Unset: sized from DOCKET_LLM_RPM / DOCKET_LLM_TPM and the observed latency
   * (Little's law), or 16 when neither limit is set.
   */
  DOCKET_LLM_CONCURRENCY: optionalNumber(z.number().int().positive()),
  /** The most LLM calls in flight per worker when the concurrency is sized automatically. @default 128 */
  DOCKET_LLM_MAX_CONCURRENCY: z.coerce.number().int().positive().default(128),
  /** HTTP timeout of one LLM call, in milliseconds. @default 60000 */
  DOCKET_LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Output token cap of one LLM call. @default 400 */
  DOCKET_MAX_OUTPUT_TOKENS: z.coerce.number().int().positive().default(400),
  /** Consecutive server errors (5xx, resets, timeouts) on one document before it pauses. @default 6 */
  DOCKET_SERVER_ERROR_CEILING: z.coerce.number().int().positive().default(6),
  /** How long a document waits for a person before the review timeout policy applies. @default 7d */
  DOCKET_REVIEW_TIMEOUT: durationSchema.default(7 * 86_400_000),
  /**
   * What happens when a review times out: `escalate` (stays pending, marked escalated, logged and counted),
   * `accept` (the model's suggestion is stored, marked unreviewed) or `fail`. @default escalate
   */
  DOCKET_REVIEW_TIMEOUT_POLICY: z.enum(['escalate', 'accept', 'fail']).default('escalate'),
  /** Named taxonomies as JSON, beside the built-in `default`. */
  DOCKET_TAXONOMIES: taxonomiesSchema,
  /** Where `npm start` keeps the Temporal and PGlite data. @default .data */
  DOCKET_DATA_DIR: z.string().min(1).default('.data'),
  /** Temporal Web UI, for links from the API and the review page. @default http://localhost:8233 */
  DOCKET_WEB_UI_URL: z.url().default('http://localhost:8233'),
  /** Port of the Temporal dev server `npm start` runs. @default 7233 */
  DOCKET_DEV_TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  /** Port of the Temporal Web UI `npm start` runs. @default 8233 */
  DOCKET_DEV_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /** Share of calls stored whole (prompt and response) in `samples`, chosen from the workflow id; failures always are. @default 0.01 */
  DOCKET_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.01),
  /** Where a worker serves Prometheus metrics (Temporal SDK and Docket's own), e.g. `0.0.0.0:9464`. Unset: off. */
  DOCKET_METRICS_ADDRESS: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional(),
  /** @default info */
  DOCKET_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

  // Stopping (Ctrl-C under npm start, SIGTERM to a worker).
  /**
   * How long a stopping worker lets the LLM calls and activities in flight finish before it cancels them (their
   * attempt is then retried by another worker or after a restart). Unset: 20000 under `npm start`; a standalone
   * worker (`npm run worker`) cancels them at once.
   */
  DOCKET_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).optional(),
});

export type Env = z.infer<typeof envSchema>;
/** The names of every variable in the configuration schema. */
export const CONFIG_ENV_VARS = Object.keys(envSchema.shape) as (keyof Env)[];

export interface Config {
  temporal: { address: string; namespace: string };
  openai: { apiKey?: string; baseUrl?: string; timeoutMs: number };
  databaseUrl?: string;
  api: {
    port: number;
    host: string;
    tokens?: ApiToken[];
    maxDocumentBytes: number;
    maxBatchDocuments: number;
    batchWindow: number;
  };
  llm: {
    model: string;
    taxonomyModels: Record<string, string>;
    cascadeModel?: string;
    largeContextModel?: string;
    promptVersion: string;
    canary?: CanaryConfig;
    confidenceThreshold: number;
    maxOutputTokens: number;
    rpm?: number;
    tpm?: number;
    /** Fixed LLM calls in flight per worker; unset = sized from the limits and latency. */
    concurrency?: number;
    /** Upper bound of the automatic sizing. */
    maxConcurrency: number;
    serverErrorCeiling: number;
  };
  review: { timeoutMs: number; timeoutPolicy: ReviewTimeoutPolicy };
  dailyBudgetUsd?: number;
  taxonomies: Taxonomy[];
  dataDir: string;
  dev: { temporalPort: number; uiPort: number };
  metricsAddress?: string;
  sampleRate: number;
  webUiUrl: string;
  logLevel: Env['DOCKET_LOG_LEVEL'];
  /** DOCKET_SHUTDOWN_GRACE_MS; unset: in-flight activities are cancelled at once when a worker stops. */
  shutdownGraceMs?: number;
  /** Set by `npm start` when its simulator answers instead of a model (reports say so). */
  simulated?: boolean;
}

export interface CanaryConfig {
  share: number;
  promptVersion?: string;
  model?: string;
  maxParseFailureRate: number;
  minCalls: number;
}

function resolvePromptVersion(version: string | undefined): string {
  const registry = loadPrompts();
  if (version === undefined) return registry.latest(CLASSIFY_TASK).version;
  if (!registry.find(version)) {
    throw new ConfigError(
      `invalid configuration:\n  DOCKET_PROMPT_VERSION: unknown prompt "${version}"; prompts/ has ${registry.versions().join(', ')}`,
    );
  }
  return version;
}

function checkCanary(canary: CanaryConfig): CanaryConfig {
  if (canary.promptVersion && !loadPrompts().find(canary.promptVersion)) {
    throw new ConfigError(`invalid configuration:\n  DOCKET_CANARY: unknown prompt "${canary.promptVersion}"`);
  }
  if (!canary.promptVersion && !canary.model) {
    throw new ConfigError('invalid configuration:\n  DOCKET_CANARY: name a candidate promptVersion, model, or both');
  }
  return canary;
}

/** Parses the environment once; throws `ConfigError` naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const named = e.DOCKET_TAXONOMIES ?? [];
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE },
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, timeoutMs: e.DOCKET_LLM_TIMEOUT_MS },
    databaseUrl: e.DATABASE_URL,
    api: {
      port: e.PORT,
      host: e.HOST,
      tokens: e.DOCKET_API_TOKENS,
      maxDocumentBytes: e.DOCKET_MAX_DOCUMENT_BYTES,
      maxBatchDocuments: e.DOCKET_MAX_BATCH_DOCUMENTS,
      batchWindow: e.DOCKET_BATCH_WINDOW,
    },
    llm: {
      model: e.DOCKET_MODEL,
      taxonomyModels: e.DOCKET_TAXONOMY_MODELS ?? {},
      cascadeModel: e.DOCKET_CASCADE_MODEL,
      largeContextModel: e.DOCKET_LARGE_CONTEXT_MODEL,
      promptVersion: resolvePromptVersion(e.DOCKET_PROMPT_VERSION),
      canary: e.DOCKET_CANARY ? checkCanary(e.DOCKET_CANARY) : undefined,
      confidenceThreshold: e.DOCKET_CONFIDENCE_THRESHOLD,
      maxOutputTokens: e.DOCKET_MAX_OUTPUT_TOKENS,
      rpm: e.DOCKET_LLM_RPM,
      tpm: e.DOCKET_LLM_TPM,
      concurrency: e.DOCKET_LLM_CONCURRENCY,
      maxConcurrency: e.DOCKET_LLM_MAX_CONCURRENCY,
      serverErrorCeiling: e.DOCKET_SERVER_ERROR_CEILING,
    },
    review: { timeoutMs: e.DOCKET_REVIEW_TIMEOUT, timeoutPolicy: e.DOCKET_REVIEW_TIMEOUT_POLICY },
    dailyBudgetUsd: e.DOCKET_DAILY_BUDGET_USD,
    taxonomies: [DEFAULT_TAXONOMY, ...named.filter((t) => t.name !== DEFAULT_TAXONOMY.name)],
    dataDir: e.DOCKET_DATA_DIR,
    dev: { temporalPort: e.DOCKET_DEV_TEMPORAL_PORT, uiPort: e.DOCKET_DEV_UI_PORT },
    metricsAddress: e.DOCKET_METRICS_ADDRESS,
    sampleRate: e.DOCKET_SAMPLE_RATE,
    webUiUrl: e.DOCKET_WEB_UI_URL,
    logLevel: e.DOCKET_LOG_LEVEL,
    shutdownGraceMs: e.DOCKET_SHUTDOWN_GRACE_MS,
  };
}

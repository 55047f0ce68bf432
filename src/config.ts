import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { canaryEnvSchema, type CanarySettings } from './canary/schema.js';
import type { PayloadEncryption } from './codec/data-converter.js';
import { parsePayloadKeys, type PayloadKey } from './codec/payload-keys.js';
import { DEFAULT_MAX_FILE_BYTES } from './extraction/file-size.js';
import { DEFAULT_VISION_MAX_PAGES, DEFAULT_VISION_MAX_PIXELS, type ExtractionSettings } from './extraction/settings.js';
import { CLASSIFY_TASK } from './llm/prompt.js';
import { parseWebhookSecrets, WebhookSecretError } from './notifications/secret.js';
import { loadPrompts } from './llm/prompts.js';
import { DEFAULT_AUDIT_RATE } from './shared/audit.js';
import {
  DOCKET_MODE,
  DOCKET_MODES,
  type BatchApiDocumentSettings,
  type BatchApiQueueSettings,
  type DocketMode,
} from './shared/batch-api.js';
import type { LongDocumentStrategy } from './shared/long-documents.js';
import { DEFAULT_TAXONOMY, type Taxonomy } from './shared/taxonomy.js';
import type { ReviewTimeoutPolicy } from './shared/workflow-types.js';
import { loadTemporalConfig, TemporalConfigError, type TemporalConfig } from './temporal-connection.js';

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

const webhookSecretsSchema = z
  .string()
  .transform((raw, ctx): Buffer[] => {
    try {
      return parseWebhookSecrets(raw);
    } catch (err) {
      if (!(err instanceof WebhookSecretError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  })
  .optional();

/**
 * Every environment variable Docket reads, with its default (DESIGN.md §2). Parsed once at start-up by the
 * entry points; everything else receives the typed `Config`.
 */
export const envSchema = z.object({
  /**
   * The Temporal frontend, `host:port`. When set, `npm start` starts no dev server and uses this cluster.
   * @default localhost:7233
   * @readBy all
   */
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  /** The Temporal namespace of every workflow. @default default @readBy all */
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  // Temporal's standard client configuration, read by @temporalio/envconfig (src/temporal-connection.ts); the
  // variables over the TOML profile, as the `temporal` CLI reads them. Listed here so that a typo is caught.
  /** Temporal Cloud API key; turns TLS on. @readBy all */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** `true` or `false`: TLS to the frontend (on by default with an API key or any TEMPORAL_TLS_* file). @readBy all */
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).optional(),
  /** PEM client certificate for mutual TLS (with TEMPORAL_TLS_CLIENT_KEY_PATH). @readBy all */
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  /** PEM private key of the client certificate. @readBy all */
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  /** PEM CA that signed the server's certificate. Unset: the system's roots. @readBy all */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  /** Name to verify the server's certificate against, when it differs from the address's host. @readBy all */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Profile of the TOML config file. @default default @readBy all */
  TEMPORAL_PROFILE: z.string().min(1).optional(),
  /** TOML client config file. @default ~/.config/temporalio/temporal.toml (when it exists) @readBy all */
  TEMPORAL_CONFIG_FILE: z.string().min(1).optional(),
  /**
   * API key of the LLM provider. When it and `OPENAI_BASE_URL` are both unset, `npm start` runs the simulator
   * (results are simulated) and `npm run worker` refuses to start.
   * @readBy worker
   */
  OPENAI_API_KEY: z.string().min(1).optional(),
  /**
   * Any OpenAI-compatible endpoint instead of OpenAI: Azure OpenAI, vLLM, Ollama, LiteLLM, a gateway. Unset: OpenAI.
   * @readBy worker
   */
  OPENAI_BASE_URL: z.url().optional(),
  /**
   * PostgreSQL, as a `postgres://` URL. Unset in `npm start`: an embedded PGlite is served over the wire protocol,
   * with its data in `.data/pg`. Required by `npm run worker` and `npm run api`.
   * @readBy worker, API
   */
  DATABASE_URL: z.string().min(1).optional(),
  /**
   * The API's port. The CLI uses it too, to build its default URL `http://127.0.0.1:$PORT`.
   * @default 3000
   * @readBy API, CLI
   */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The API's bind address (`0.0.0.0` in containers). @default 127.0.0.1 @readBy API */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Comma-separated `name:role:token` entries; roles `submitter`, `reviewer`, `admin` (admin may use every route);
   * tokens of 16 characters or more. The name is what the API records, e.g. as a review's reviewer. Unset:
   * `npm start` generates dev tokens, `npm run api` refuses to start.
   * @readBy API
   */
  DOCKET_API_TOKENS: tokensSchema,
  /** The model new documents are classified with. @default gpt-4o-mini @readBy API */
  DOCKET_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** A model per taxonomy, as JSON `{"support":"gpt-4.1-mini"}`; other taxonomies use `DOCKET_MODEL`. @readBy API */
  DOCKET_TAXONOMY_MODELS: modelMapSchema,
  /**
   * A stronger model tried once on low confidence or invalid output, before a person. Unset: no cascade.
   * @readBy API
   */
  DOCKET_CASCADE_MODEL: z.string().min(1).optional(),
  /**
   * A model with a larger context window, tried once for a document too long for the first model. Unset: such
   * documents go to review (`input_too_long`).
   * @readBy API
   */
  DOCKET_LARGE_CONTEXT_MODEL: z.string().min(1).optional(),
  /**
   * What a document too long for the model's context window gets (after DOCKET_LARGE_CONTEXT_MODEL, when set):
   * `review` (a person decides, reason `input_too_long`); `first-pages` (the start of its text that fits, classified
   * once); `chunk-vote` (its text cut into chunks that fit, at most DOCKET_LONG_DOCUMENTS_MAX_CHUNKS, each classified
   * by its own call, then a majority vote). The strategy and the chunks are recorded on the result (`longDocument`).
   * @readBy API
   */
  DOCKET_LONG_DOCUMENTS: z.enum(['review', 'first-pages', 'chunk-vote']).default('review'),
  /**
   * The most document tokens a chunk holds (`first-pages` and `chunk-vote`): a token budget rather than pages, since
   * HTML, e-mail and Word text has no pages. Unset: as many as fit the model's context window beside the prompt and
   * the answer.
   * @readBy worker
   */
  DOCKET_LONG_DOCUMENTS_TOKENS: z.coerce.number().int().min(256).optional(),
  /**
   * Chunks classified at most per document under `chunk-vote`, from its start: bounds the calls (and the spend) of one
   * document; the chunks past it are not read.
   * @readBy API
   */
  DOCKET_LONG_DOCUMENTS_MAX_CHUNKS: z.coerce.number().int().min(2).max(20).default(5),
  /**
   * The prompt version new documents use, a file in `prompts/`. The API, the worker and `npm start` refuse to start
   * when it is not there.
   * @default the newest `classify` prompt in `prompts/`
   * @readBy API
   */
  DOCKET_PROMPT_VERSION: z.string().min(1).optional(),
  /**
   * A canary to start at start-up, as JSON
   * `{"share":0.1,"promptVersion":"classify-v1","model":"gpt-4.1-mini","maxParseFailureRate":0.2,"minCalls":20}`
   * (`share` and one of `promptVersion`/`model` required; checked by the same schema, with the same messages, as the
   * body of `POST /v1/canary`): that share of new documents, chosen from the document id, uses the candidate. It is
   * not started while another canary is active, nor again once a canary with the same candidate has run.
   * @readBy API, `npm start`
   */
  DOCKET_CANARY: canaryEnvSchema.optional(),
  /** Valid answers below this confidence go to review. @default 0.5 @readBy API */
  DOCKET_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  /**
   * Share of confident, auto-accepted results also sent to review as audits (reason `audit`), after the result is
   * stored: the document is `completed` and the audit never holds it up. Chosen from the document id, independently
   * of the canary split; what the report's accuracy estimate is computed from. `0` turns audits off.
   * @default 0.02
   * @readBy API
   */
  DOCKET_AUDIT_RATE: z.coerce.number().min(0).max(1).default(DEFAULT_AUDIT_RATE),
  /**
   * Spend cap per UTC day, in US dollars: a call that would exceed it is not made and its document pauses
   * (`budget_exhausted`) until the next UTC day or a resume. Unset: no cap.
   * @readBy worker
   */
  DOCKET_DAILY_BUDGET_USD: optionalNumber(z.number().positive()),
  /** The largest document text, in UTF-8 bytes; larger ones get 413. @default `1048576` (1 MiB) @readBy API */
  DOCKET_MAX_DOCUMENT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /**
   * The largest file submitted as a document (`multipart/form-data`), in bytes; larger ones get 413.
   * @default `20971520` (20 MiB)
   * @readBy API
   */
  DOCKET_MAX_FILE_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_FILE_BYTES),
  // Files as documents (issue 19, docs/documents.md): scans and photos, OCR, extraction.
  /**
   * A vision-capable model for documents that only images hold (scanned PDF pages, photos): their pages are sent as
   * image parts. Unset: such documents go to review as `unreadable` (reason `no_vision_model`), and the scanned pages
   * of a document that has text too are left out.
   * @readBy worker, API
   */
  DOCKET_VISION_MODEL: z.string().min(1).optional(),
  /**
   * Pages without a text layer rendered per document, read by OCR or sent to the vision model; later ones are
   * counted (`imagesOmitted`) but not rendered. Bounds the images, and so the tokens, of one document.
   * @readBy worker
   */
  DOCKET_VISION_MAX_PAGES: z.coerce.number().int().min(1).max(100).default(DEFAULT_VISION_MAX_PAGES),
  /**
   * An image's width × height at most, in pixels: larger images and photos are scaled down (never up) before they
   * are stored for the vision model. The default holds an A4 page rendered at 1568 px on its long side.
   * @default `2000000`
   * @readBy worker
   */
  DOCKET_VISION_MAX_PIXELS: z.coerce.number().int().min(65_536).max(33_554_432).default(DEFAULT_VISION_MAX_PIXELS),
  /**
   * The `detail` of the image parts: `high` reads a page's text (tokens grow with the image), `low` sends one
   * 512 × 512 view at a fixed cost, `auto` lets the provider choose (estimated as `high`).
   * @readBy worker
   */
  DOCKET_VISION_DETAIL: z.enum(['high', 'low', 'auto']).default('high'),
  /**
   * `tesseract`: pages without a text layer and images are read by OCR with Debian's `tesseract` (package
   * `tesseract-ocr`) before any vision model; what OCR cannot read still goes to the vision model. When the command
   * or a language is missing the worker says so at the first extraction and goes on without OCR.
   * @readBy worker
   */
  DOCKET_OCR: z.enum(['off', 'tesseract']).default('off'),
  /**
   * Tesseract's languages, `+`-separated (`eng+deu`); each needs its Debian package (`tesseract-ocr-deu`).
   * @readBy worker
   */
  DOCKET_OCR_LANGUAGES: z
    .string()
    .regex(/^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$/, 'must be tesseract languages such as eng or eng+deu')
    .default('eng'),
  /**
   * Extractions in flight per worker process: parsing and rendering are CPU- and memory-bound, so more than the
   * cores only queue. Files of 4 MiB or more are extracted one at a time besides. @default 2
   * @readBy worker
   */
  DOCKET_EXTRACTION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** The most documents in one batch request. @readBy API */
  DOCKET_MAX_BATCH_DOCUMENTS: z.coerce.number().int().positive().default(10_000),
  /**
   * The provider's requests-per-minute limit that Docket paces itself to, shared by every worker. Unset: no pacing.
   * @readBy worker
   */
  DOCKET_LLM_RPM: optionalNumber(z.number().int().positive()),
  /**
   * The provider's tokens-per-minute limit that Docket paces itself to, shared by every worker. Unset: no pacing.
   * @readBy worker
   */
  DOCKET_LLM_TPM: optionalNumber(z.number().int().positive()),
  /** The most documents of one batch in flight (not yet settled) at once. @readBy API */
  DOCKET_BATCH_WINDOW: z.coerce.number().int().positive().default(200),
  /**
   * LLM calls in flight per worker process. Unset: sized from `DOCKET_LLM_RPM` / `DOCKET_LLM_TPM` and the observed
   * latency (Little's law), or 16 when neither limit is set.
   * @default unset (sized by Docket)
   * @readBy worker
   */
  DOCKET_LLM_CONCURRENCY: optionalNumber(z.number().int().positive()),
  /** The most LLM calls in flight per worker when Docket sizes them itself. @readBy worker */
  DOCKET_LLM_MAX_CONCURRENCY: z.coerce.number().int().positive().default(128),
  /** HTTP timeout of one LLM call, in milliseconds. @readBy worker */
  DOCKET_LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * Ceiling on the output tokens of one LLM call, over each prompt's own `max_output_tokens`. The smaller of the two
   * is sent, and counts in the pre-flight context check and the TPM and budget reservations.
   * @readBy worker
   */
  DOCKET_MAX_OUTPUT_TOKENS: z.coerce.number().int().positive().default(400),
  /**
   * Failed calls of one LLM activity from server errors, connection errors and timeouts (rate limits never count)
   * before the document pauses with `retries_exhausted`; 429s that never look like a rate limit count apart and
   * pause it with `unconfirmed_rate_limit`.
   * @readBy API
   */
  DOCKET_SERVER_ERROR_CEILING: z.coerce.number().int().positive().default(6),
  /**
   * Transient failures (server errors, connection errors, timeouts; never rate limits) in a row, across at least two
   * documents and with no success in between, that open the outage breaker shared by every worker: calls then wait
   * and one probe at a time checks the provider. @default 5
   * @readBy worker
   */
  DOCKET_OUTAGE_THRESHOLD: z.coerce.number().int().min(2).default(5),
  /**
   * How long rate limits may go on with no success anywhere before the rate-limit storm alert (log line, metric,
   * `/healthz`). @default 15m
   * @readBy worker, API
   */
  DOCKET_RATE_LIMIT_ALERT_AFTER: durationSchema.default(15 * 60_000),
  /**
   * How long a document waits for a person before the review timeout policy applies: `7d`, `12h`, `30m`, `45s`,
   * `1500ms`; a bare number is milliseconds.
   * @default `7d`
   * @readBy API
   */
  DOCKET_REVIEW_TIMEOUT: durationSchema.default(7 * 86_400_000),
  /**
   * What happens when a review times out: `escalate` (stays pending, marked escalated, logged and counted), `accept`
   * (the model's suggestion is stored, marked unreviewed) or `fail`.
   * @readBy API
   */
  DOCKET_REVIEW_TIMEOUT_POLICY: z.enum(['escalate', 'accept', 'fail']).default('escalate'),
  /**
   * Named taxonomies as JSON, e.g. `{"support":["billing","bug","other"]}`, at least 2 categories each, beside the
   * built-in `default` (`technical`, `business`, `legal`, `marketing`, `other`), which cannot be redefined.
   * @readBy API
   */
  DOCKET_TAXONOMIES: taxonomiesSchema,
  /**
   * Where `npm start` keeps the Temporal and PGlite data and the dev tokens; the CLI reads the dev tokens there.
   * @readBy `npm start`, CLI
   */
  DOCKET_DATA_DIR: z.string().min(1).default('.data'),
  /**
   * The Temporal Web UI, for the `workflowUrl` links of the API and the review page. `npm start` with its own dev
   * server uses that server's UI instead.
   * @readBy API
   */
  DOCKET_WEB_UI_URL: z.url().default('http://localhost:8233'),
  /** Port of the Temporal dev server `npm start` runs. @readBy `npm start` */
  DOCKET_DEV_TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  /** Port of the Temporal Web UI `npm start` runs. @readBy `npm start` */
  DOCKET_DEV_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /**
   * Share of documents whose calls are stored whole (prompt and response) in `samples`, chosen from the workflow id;
   * failed calls always are. `0` keeps failures only, `1` keeps everything.
   * @readBy worker
   */
  DOCKET_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.01),
  /**
   * Where a worker serves Prometheus metrics (the Temporal SDK's and Docket's own) at `/metrics`, e.g.
   * `0.0.0.0:9464`. Unset: off, except under `npm start`, which serves them on `127.0.0.1:9464`.
   * @readBy worker
   */
  DOCKET_METRICS_ADDRESS: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional(),
  // Payload encryption (src/codec/): everything Docket writes to Temporal is AES-256-GCM encrypted.
  /** Comma-separated `keyId:base64-32-bytes`; the first encrypts, all decrypt (rotation: put a new key first). @readBy all */
  DOCKET_PAYLOAD_KEYS: z.string().min(1).optional(),
  /** A file holding the same list (one key a line), e.g. a mounted secret; instead of DOCKET_PAYLOAD_KEYS. @readBy all */
  DOCKET_PAYLOAD_KEYS_FILE: z.string().min(1).optional(),
  /**
   * `off` writes payloads in plain text (keys, if any, still decrypt older ones). The worker and API refuse to start
   * without keys unless this says `off`; `npm start` generates a dev key. @default on
   * @readBy all
   */
  DOCKET_PAYLOAD_ENCRYPTION: z.enum(['on', 'off']).default('on'),
  /**
   * Where signed webhooks go (review needed, escalation, batch completed, operator pause; docs/notifications.md):
   * an HTTP(S) URL that receives a POST per event, retried for up to 3 days. Requires `DOCKET_WEBHOOK_SECRET`.
   * Unset: no webhooks.
   * @readBy worker
   */
  DOCKET_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /**
   * The Standard Webhooks signing secret: `whsec_` followed by the base64 of 24 to 64 random bytes (the output of
   * `openssl rand -base64 32`). Several, separated by spaces, while a secret is rotated: each signs every delivery.
   * Never logged.
   * @readBy worker
   */
  DOCKET_WEBHOOK_SECRET: webhookSecretsSchema,
  /** Log level of every process. @readBy all */
  DOCKET_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

  /**
   * Days documents and samples are kept: the `docket-retention` Temporal Schedule, created by the worker, erases
   * older ones every hour (docs/data-retention.md). Unset: everything is kept and the schedule is removed.
   * @readBy worker
   */
  DOCKET_RETENTION_DAYS: optionalNumber(z.number().positive()),
  // Submission that cannot strand (issue 13): a document and its workflow start are committed together.
  /**
   * How long a submission waits for Temporal to accept the workflow start before answering 202 with the document
   * queued; a worker's reconciler starts it once Temporal answers. @default 3s
   * @readBy API
   */
  DOCKET_WORKFLOW_START_TIMEOUT: durationSchema.default(3_000),
  /** How often each worker's reconciler starts workflows still owed (also once at worker start-up). @default 5s @readBy worker */
  DOCKET_RECONCILE_INTERVAL: durationSchema.default(5_000),
  /**
   * What a document holding instructions aimed at the model gets: `review` (a person decides; reason
   * `suspicious_instructions`) or `flag` (the model's answer is stored, marked). @default review
   * @readBy API
   */
  DOCKET_INJECTION_POLICY: z.enum(['flag', 'review']).default('review'),
  // The OpenAI Batch API (docs/batch-api.md).
  /**
   * How documents submitted without a `mode` are classified: `realtime` chat completions, or `batch_api` (half the
   * price, answers within the provider's 24-hour window). @default realtime @readBy API
   */
  DOCKET_DEFAULT_MODE: z.enum(DOCKET_MODES).default(DOCKET_MODE.realtime),
  /** Requests per Batch API job at most (OpenAI allows 50,000). @default 50000 @readBy worker */
  DOCKET_BATCH_API_MAX_REQUESTS: z.coerce.number().int().min(1).max(50_000).default(50_000),
  /**
   * Bytes of JSONL per job at most (OpenAI takes 200 MB per file; the default keeps a margin). @default 199229440
   * @readBy worker
   */
  DOCKET_BATCH_API_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(190 * 1024 * 1024),
  /** A job is formed as soon as this many prompt tokens are queued. Unset: size and time only. @readBy worker */
  DOCKET_BATCH_API_JOB_TOKENS: optionalNumber(z.number().int().positive()),
  /** The longest a queued request waits for others before its job is formed. @default 10m @readBy worker */
  DOCKET_BATCH_API_MAX_WAIT: durationSchema.default(10 * 60_000),
  /**
   * Prompt tokens in unfinished jobs per model at most (the provider's enqueued-token limit for your tier). Unset:
   * learned from the provider's `token_limit_exceeded` refusal. @readBy worker
   */
  DOCKET_BATCH_API_MAX_QUEUED_TOKENS: optionalNumber(z.number().int().positive()),
  /** The first wait between two looks at a job; it grows by half each time. @default 30s @readBy worker */
  DOCKET_BATCH_API_POLL_INTERVAL: durationSchema.default(30_000),
  /** The longest wait between two looks at a job. @default 10m @readBy worker */
  DOCKET_BATCH_API_POLL_MAX: durationSchema.default(10 * 60_000),
  /** A batch-mode document still unanswered this long after it queued falls back to realtime. @default 26h @readBy API */
  DOCKET_BATCH_API_DEADLINE: durationSchema.default(26 * 3_600_000),
  /** Where repairs and cascades of batch-mode documents go: the next job, or a realtime call. @default batch @readBy API */
  DOCKET_BATCH_API_REPAIR: z.enum(['batch', 'realtime']).default('batch'),
  /**
   * Transient error lines (429, 5xx) of one document re-queued into later jobs before it falls back to realtime.
   * @default 3 @readBy API
   */
  DOCKET_BATCH_API_MAX_REQUEUES: z.coerce.number().int().min(0).max(20).default(3),
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
  temporal: TemporalConfig;
  openai: { apiKey?: string; baseUrl?: string; timeoutMs: number };
  databaseUrl?: string;
  api: {
    port: number;
    host: string;
    tokens?: ApiToken[];
    maxDocumentBytes: number;
    /** DOCKET_MAX_FILE_BYTES. */
    maxFileBytes: number;
    maxBatchDocuments: number;
    batchWindow: number;
  };
  llm: {
    model: string;
    taxonomyModels: Record<string, string>;
    cascadeModel?: string;
    largeContextModel?: string;
    promptVersion: string;
    canary?: CanarySettings;
    confidenceThreshold: number;
    maxOutputTokens: number;
    rpm?: number;
    tpm?: number;
    /** Fixed LLM calls in flight per worker; unset = sized from the limits and latency. */
    concurrency?: number;
    /** Upper bound of the automatic sizing. */
    maxConcurrency: number;
    serverErrorCeiling: number;
    /** Transient failures in a row that open the outage breaker. */
    outageThreshold: number;
    /** Rate limits with no success for this long raise the storm alert, ms. */
    rateLimitAlertAfterMs: number;
  };
  review: { timeoutMs: number; timeoutPolicy: ReviewTimeoutPolicy };
  /** DOCKET_LONG_DOCUMENTS*: what a document over the model's context window gets. */
  longDocuments: { strategy: 'review' | LongDocumentStrategy; tokens?: number; maxChunks: number };
  /** Files as documents: the vision model and its limits, OCR, extractions in flight. */
  extraction: ExtractionSettings;
  /** DOCKET_AUDIT_RATE: the share of confident, auto-accepted results audited. */
  audit: { rate: number };
  /** DOCKET_WEBHOOK_URL and the HMAC keys of DOCKET_WEBHOOK_SECRET; unset: no webhooks. */
  webhook?: WebhookConfig;
  dailyBudgetUsd?: number;
  taxonomies: Taxonomy[];
  dataDir: string;
  dev: { temporalPort: number; uiPort: number };
  metricsAddress?: string;
  sampleRate: number;
  webUiUrl: string;
  logLevel: Env['DOCKET_LOG_LEVEL'];
  /** Days documents and samples are kept; unset = kept forever. */
  retentionDays?: number;
  submission: {
    /** DOCKET_WORKFLOW_START_TIMEOUT, ms. */
    startTimeoutMs: number;
    /** DOCKET_RECONCILE_INTERVAL, ms. */
    reconcileIntervalMs: number;
  };
  /** DOCKET_INJECTION_POLICY. */
  injectionPolicy: InjectionPolicy;
  /** DOCKET_DEFAULT_MODE and the DOCKET_BATCH_API_* settings. */
  batchApi: { defaultMode: DocketMode; document: BatchApiDocumentSettings; queue: BatchApiQueueSettings };
  /** Payload encryption: keys from DOCKET_PAYLOAD_KEYS or DOCKET_PAYLOAD_KEYS_FILE (empty when neither is set). */
  payload: PayloadEncryption;
  /** DOCKET_SHUTDOWN_GRACE_MS; unset: in-flight activities are cancelled at once when a worker stops. */
  shutdownGraceMs?: number;
  /** Set by `npm start` when its simulator answers instead of a model (reports say so). */
  simulated?: boolean;
}

function batchApiConfig(e: Env): Config['batchApi'] {
  return {
    defaultMode: e.DOCKET_DEFAULT_MODE,
    document: {
      deadlineMs: e.DOCKET_BATCH_API_DEADLINE,
      repair: e.DOCKET_BATCH_API_REPAIR,
      maxRequeues: e.DOCKET_BATCH_API_MAX_REQUEUES,
    },
    queue: {
      maxRequestsPerJob: e.DOCKET_BATCH_API_MAX_REQUESTS,
      maxBytesPerJob: e.DOCKET_BATCH_API_MAX_BYTES,
      ...(e.DOCKET_BATCH_API_JOB_TOKENS ? { jobTokenBudget: e.DOCKET_BATCH_API_JOB_TOKENS } : {}),
      maxWaitMs: e.DOCKET_BATCH_API_MAX_WAIT,
      ...(e.DOCKET_BATCH_API_MAX_QUEUED_TOKENS ? { maxQueuedTokens: e.DOCKET_BATCH_API_MAX_QUEUED_TOKENS } : {}),
      pollInitialMs: e.DOCKET_BATCH_API_POLL_INTERVAL,
      pollMaxMs: e.DOCKET_BATCH_API_POLL_MAX,
    },
  };
}

/** Where signed webhooks go. */
export interface WebhookConfig {
  url: string;
  /** HMAC-SHA256 keys, decoded; the first is the current one. */
  secrets: Buffer[];
}

/** What a document holding instructions aimed at the model gets (DOCKET_INJECTION_POLICY). */
export type InjectionPolicy = Env['DOCKET_INJECTION_POLICY'];

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

/** Webhooks are always signed: a URL without a secret stops the process rather than send unsigned requests. */
function webhookConfig(e: Env): WebhookConfig | undefined {
  if (e.DOCKET_WEBHOOK_URL === undefined) return undefined;
  if (e.DOCKET_WEBHOOK_SECRET === undefined) {
    throw new ConfigError(
      'invalid configuration:\n  DOCKET_WEBHOOK_SECRET: required when DOCKET_WEBHOOK_URL is set (webhooks are always ' +
        'signed); generate one with "whsec_$(openssl rand -base64 32)" and give it to the receiver',
    );
  }
  return { url: e.DOCKET_WEBHOOK_URL, secrets: e.DOCKET_WEBHOOK_SECRET };
}

function temporalConfig(env: NodeJS.ProcessEnv): TemporalConfig {
  try {
    return loadTemporalConfig(env);
  } catch (err) {
    if (err instanceof TemporalConfigError) throw new ConfigError(`invalid configuration:\n  ${err.message}`);
    throw err;
  }
}

function payloadKeys(e: Env): PayloadKey[] {
  if (e.DOCKET_PAYLOAD_KEYS && e.DOCKET_PAYLOAD_KEYS_FILE) {
    throw new ConfigError(
      'invalid configuration:\n  DOCKET_PAYLOAD_KEYS and DOCKET_PAYLOAD_KEYS_FILE are both set: keep one',
    );
  }
  const [name, raw] = e.DOCKET_PAYLOAD_KEYS_FILE
    ? (['DOCKET_PAYLOAD_KEYS_FILE', readKeysFile(e.DOCKET_PAYLOAD_KEYS_FILE)] as const)
    : (['DOCKET_PAYLOAD_KEYS', e.DOCKET_PAYLOAD_KEYS] as const);
  if (raw === undefined) return [];
  try {
    return parsePayloadKeys(raw);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${name}: ${(err as Error).message}`);
  }
}

function readKeysFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `invalid configuration:\n  DOCKET_PAYLOAD_KEYS_FILE: "${path}" ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
    );
  }
}

/**
 * For the worker and API entry points: without payload keys, refuse to start unless DOCKET_PAYLOAD_ENCRYPTION=off
 * says plain text is wanted (secure by default, like DOCKET_API_TOKENS).
 */
export function requirePayloadKeys(config: Config): void {
  if (config.payload.encrypt && config.payload.keys.length === 0) {
    throw new ConfigError(
      'DOCKET_PAYLOAD_KEYS (or DOCKET_PAYLOAD_KEYS_FILE) is not set: Docket encrypts everything it writes to ' +
        'Temporal and refuses to start without a key (keyId:base64-32-bytes, e.g. "k1:$(openssl rand -base64 32)"); ' +
        'set DOCKET_PAYLOAD_ENCRYPTION=off to write payloads in plain text instead',
    );
  }
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
    temporal: temporalConfig(env),
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, timeoutMs: e.DOCKET_LLM_TIMEOUT_MS },
    databaseUrl: e.DATABASE_URL,
    api: {
      port: e.PORT,
      host: e.HOST,
      tokens: e.DOCKET_API_TOKENS,
      maxDocumentBytes: e.DOCKET_MAX_DOCUMENT_BYTES,
      maxFileBytes: e.DOCKET_MAX_FILE_BYTES,
      maxBatchDocuments: e.DOCKET_MAX_BATCH_DOCUMENTS,
      batchWindow: e.DOCKET_BATCH_WINDOW,
    },
    llm: {
      model: e.DOCKET_MODEL,
      taxonomyModels: e.DOCKET_TAXONOMY_MODELS ?? {},
      cascadeModel: e.DOCKET_CASCADE_MODEL,
      largeContextModel: e.DOCKET_LARGE_CONTEXT_MODEL,
      promptVersion: resolvePromptVersion(e.DOCKET_PROMPT_VERSION),
      canary: e.DOCKET_CANARY,
      confidenceThreshold: e.DOCKET_CONFIDENCE_THRESHOLD,
      maxOutputTokens: e.DOCKET_MAX_OUTPUT_TOKENS,
      rpm: e.DOCKET_LLM_RPM,
      tpm: e.DOCKET_LLM_TPM,
      concurrency: e.DOCKET_LLM_CONCURRENCY,
      maxConcurrency: e.DOCKET_LLM_MAX_CONCURRENCY,
      serverErrorCeiling: e.DOCKET_SERVER_ERROR_CEILING,
      outageThreshold: e.DOCKET_OUTAGE_THRESHOLD,
      rateLimitAlertAfterMs: e.DOCKET_RATE_LIMIT_ALERT_AFTER,
    },
    review: { timeoutMs: e.DOCKET_REVIEW_TIMEOUT, timeoutPolicy: e.DOCKET_REVIEW_TIMEOUT_POLICY },
    longDocuments: {
      strategy: e.DOCKET_LONG_DOCUMENTS,
      tokens: e.DOCKET_LONG_DOCUMENTS_TOKENS,
      maxChunks: e.DOCKET_LONG_DOCUMENTS_MAX_CHUNKS,
    },
    extraction: {
      vision: {
        model: e.DOCKET_VISION_MODEL,
        maxPages: e.DOCKET_VISION_MAX_PAGES,
        maxPixels: e.DOCKET_VISION_MAX_PIXELS,
        detail: e.DOCKET_VISION_DETAIL,
      },
      ocr: { engine: e.DOCKET_OCR, languages: e.DOCKET_OCR_LANGUAGES },
      concurrency: e.DOCKET_EXTRACTION_CONCURRENCY,
    },
    audit: { rate: e.DOCKET_AUDIT_RATE },
    webhook: webhookConfig(e),
    dailyBudgetUsd: e.DOCKET_DAILY_BUDGET_USD,
    taxonomies: [DEFAULT_TAXONOMY, ...named.filter((t) => t.name !== DEFAULT_TAXONOMY.name)],
    dataDir: e.DOCKET_DATA_DIR,
    dev: { temporalPort: e.DOCKET_DEV_TEMPORAL_PORT, uiPort: e.DOCKET_DEV_UI_PORT },
    metricsAddress: e.DOCKET_METRICS_ADDRESS,
    sampleRate: e.DOCKET_SAMPLE_RATE,
    webUiUrl: e.DOCKET_WEB_UI_URL,
    logLevel: e.DOCKET_LOG_LEVEL,
    retentionDays: e.DOCKET_RETENTION_DAYS,
    submission: { startTimeoutMs: e.DOCKET_WORKFLOW_START_TIMEOUT, reconcileIntervalMs: e.DOCKET_RECONCILE_INTERVAL },
    injectionPolicy: e.DOCKET_INJECTION_POLICY,
    batchApi: batchApiConfig(e),
    payload: { encrypt: e.DOCKET_PAYLOAD_ENCRYPTION === 'on', keys: payloadKeys(e) },
    shutdownGraceMs: e.DOCKET_SHUTDOWN_GRACE_MS,
  };
}

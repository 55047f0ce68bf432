import type { CanaryReport } from '../reports/canary.js';
import type { Report } from '../reports/report.js';
import type { CompareResult } from '../shared/workflow-types.js';
import type { z } from 'zod';
import type { batchSchema, reviewSchema, submitDocumentSchema } from '../api/schemas/requests.js';
import type { healthSchema } from '../api/schemas/health.js';
import type {
  acceptedSchema,
  batchAcceptedSchema,
  batchViewSchema,
  documentTextSchema,
  documentViewSchema,
  erasureSchema,
  reviewQueueItemSchema,
  reviewQueueSchema,
} from '../documents/schemas.js';
import { DOCUMENT_STATUS, type DocumentStatus } from '../shared/status.js';

// Type-only imports of the API's zod schemas: the client shares the server's types without loading its code.

/** Body of `POST /v1/documents`. */
export type SubmitDocumentInput = z.input<typeof submitDocumentSchema>;
/** One document of `POST /v1/batches`. */
export type BatchDocumentInput = z.input<typeof batchSchema>['documents'][number];
/** `202` answer of `POST /v1/documents`. */
export type Accepted = z.infer<typeof acceptedSchema>;
/** `GET /v1/documents/:id`. */
export type DocumentView = z.infer<typeof documentViewSchema>;
/** A document's stored result. */
export type DocumentResultView = NonNullable<DocumentView['result']>;
/** One entry of the review queue: an excerpt of the text, not the whole (see `documentText`). */
export type ReviewItem = z.infer<typeof reviewQueueItemSchema>;
/** One page of `GET /v1/reviews`. */
export type ReviewQueuePage = z.infer<typeof reviewQueueSchema>;
/** `GET /v1/documents/:id/text`. */
export type DocumentText = z.infer<typeof documentTextSchema>;
/** Body of `POST /v1/documents/:id/review`. */
export type ReviewInput = z.infer<typeof reviewSchema>;
/** `GET /v1/batches/:id`. */
export type BatchView = z.infer<typeof batchViewSchema>;
export type { DocumentStatus };

/** `202` answer of `POST /v1/batches`: the batch id, and each document's id in request order. */
export type BatchAccepted = z.infer<typeof batchAcceptedSchema>;
/** `200` answer of `DELETE /v1/documents/:id`: what the erasure removed and what it kept. */
export type Erasure = z.infer<typeof erasureSchema>;
/** `GET /healthz`, whether healthy (`200`) or degraded (`503`). */
export type Health = z.infer<typeof healthSchema>;

/** The statuses after which a document's classification no longer changes by itself. */
export const FINAL_STATUSES: readonly DocumentStatus[] = [DOCUMENT_STATUS.completed, DOCUMENT_STATUS.failed];

export interface DocketClientOptions {
  /** Origin of the Docket API, e.g. `http://127.0.0.1:3000`. A trailing slash or path prefix is kept. */
  baseUrl: string;
  /** Bearer token (`DOCKET_API_TOKENS` on the server); its role decides which methods succeed. */
  token: string;
  /** The fetch implementation, for tests or proxies. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Milliseconds before one HTTP request is abandoned. @default 30000 */
  requestTimeoutMs?: number;
}

export interface SubmitBatchOptions {
  /** A configured taxonomy name for every document of the batch. @default the server's `default` taxonomy */
  taxonomy?: string;
}

export interface WaitForResultOptions {
  /** Milliseconds before giving up with a `DocketWaitTimeoutError`. @default 600000 (10 minutes) */
  timeoutMs?: number;
  /** Milliseconds between two polls. @default 1000 */
  intervalMs?: number;
  /**
   * Statuses that also end the wait, besides `completed` and `failed`; pass `['pending_review', 'paused']` to
   * return as soon as a person or an operator must act. @default []
   */
  until?: readonly DocumentStatus[];
  /** Aborts the wait (rejects with the signal's reason). @default none */
  signal?: AbortSignal;
}

export interface ReviewOptions {
  /** The category decided; it must belong to the document's taxonomy. */
  category: string;
  /** Why, kept beside the result. @default none */
  note?: string;
}

/** An error answer of the Docket API (`{ "error": { "code", "message" } }`), or no answer at all. */
export class DocketApiError extends Error {
  override name = 'DocketApiError';
  constructor(
    /** HTTP status; `0` when the API could not be reached. */
    readonly status: number,
    /** The API's error code (`bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`, ...), or `unreachable`. */
    readonly code: string,
    message: string,
    /** `METHOD path` of the request. */
    readonly request: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `waitForResult` ran out of time; `last` is the last view seen. */
export class DocketWaitTimeoutError extends Error {
  override name = 'DocketWaitTimeoutError';
  constructor(
    message: string,
    readonly last: DocumentView | undefined,
  ) {
    super(message);
  }
}

/** Statuses worth polling through: a restarting or overloaded API, or a gateway in between. */
const TRANSIENT_STATUSES = new Set([0, 502, 503, 504]);

/**
 * A typed client of the Docket HTTP API (DESIGN.md §4), built on `fetch`.
 *
 * ```ts
 * const docket = new DocketClient({ baseUrl: 'http://127.0.0.1:3000', token: process.env.DOCKET_TOKEN! });
 * const { id } = await docket.submit({ text: 'The invoice is overdue.' });
 * const doc = await docket.waitForResult(id, { until: ['pending_review'] });
 * ```
 */
export class DocketClient {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #requestTimeoutMs: number;

  constructor(options: DocketClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Stores a document and starts its classification. Same id and text again: the same document, no new LLM call. */
  submit(doc: SubmitDocumentInput): Promise<Accepted> {
    return this.#request('POST', '/v1/documents', doc);
  }

  /** Submits many documents at once; a bad one rejects the whole request and nothing is stored. */
  submitBatch(docs: readonly BatchDocumentInput[], options: SubmitBatchOptions = {}): Promise<BatchAccepted> {
    return this.#request('POST', '/v1/batches', {
      documents: docs,
      ...(options.taxonomy !== undefined ? { taxonomy: options.taxonomy } : {}),
    });
  }

  /** A document's status, and its result once there is one. */
  get(id: string): Promise<DocumentView> {
    return this.#request('GET', `/v1/documents/${encodeURIComponent(id)}`);
  }

  /**
   * Polls a document until its status is `completed` or `failed` (or one of `until`) and returns it. Keeps polling
   * through an unreachable or overloaded API (502, 503, 504) until the deadline; other API errors reject.
   */
  async waitForResult(id: string, options: WaitForResultOptions = {}): Promise<DocumentView> {
    const { timeoutMs = 600_000, intervalMs = 1000, until = [], signal } = options;
    const deadline = Date.now() + timeoutMs;
    let last: DocumentView | undefined;
    for (;;) {
      signal?.throwIfAborted();
      try {
        last = await this.get(id);
        if (FINAL_STATUSES.includes(last.status) || until.includes(last.status)) return last;
      } catch (err) {
        if (!(err instanceof DocketApiError && TRANSIENT_STATUSES.has(err.status)) || Date.now() >= deadline) throw err;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new DocketWaitTimeoutError(
          `document ${id} is still ${last?.status ?? 'unknown'} after ${timeoutMs} ms`,
          last,
        );
      }
      await sleep(Math.min(intervalMs, remaining), signal);
    }
  }

  /** One page of the pending review queue, oldest first. Needs a reviewer (or admin) token. */
  reviewQueue(page: { limit?: number; offset?: number } = {}): Promise<ReviewQueuePage> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.offset !== undefined) query.set('offset', String(page.offset));
    return this.#request<ReviewQueuePage>('GET', `/v1/reviews${query.size > 0 ? `?${query}` : ''}`);
  }

  /** The whole pending review queue, oldest first, every page. Needs a reviewer (or admin) token. */
  async reviews(): Promise<ReviewItem[]> {
    const items: ReviewItem[] = [];
    for (let offset: number | undefined = 0; offset !== undefined;) {
      const page: ReviewQueuePage = await this.reviewQueue({ offset, limit: 100 });
      items.push(...page.reviews);
      offset = page.nextOffset;
    }
    return items;
  }

  /** A document's whole text and metadata (the review queue sends excerpts). */
  documentText(id: string): Promise<DocumentText> {
    return this.#request<DocumentText>('GET', `/v1/documents/${encodeURIComponent(id)}/text`);
  }

  /** Decides a pending review; the reviewer recorded is the token's name. Returns the final document. */
  review(id: string, decision: ReviewOptions): Promise<DocumentView> {
    const body: ReviewInput = {
      category: decision.category,
      ...(decision.note !== undefined ? { note: decision.note } : {}),
    };
    return this.#request('POST', `/v1/documents/${encodeURIComponent(id)}/review`, body);
  }

  /** Clears the operator pause of one document, or of every paused document without `id`. Returns the ids resumed. */
  async resume(id?: string): Promise<string[]> {
    const path = id === undefined ? '/v1/resume' : `/v1/documents/${encodeURIComponent(id)}/resume`;
    const body = await this.#request<{ resumed: string[] }>('POST', path);
    return body.resumed;
  }

  /**
   * Erases a document (admin): its text, metadata, result, samples and workflow histories; a running classification
   * is cancelled first. Idempotent: erasing again answers `already_erased`. Rejects with 404 for an id never stored.
   */
  eraseDocument(id: string): Promise<Erasure> {
    return this.#request('DELETE', `/v1/documents/${encodeURIComponent(id)}`);
  }

  /** A batch's counts per status and its cost so far. */
  batch(id: string): Promise<BatchView> {
    return this.#request('GET', `/v1/batches/${encodeURIComponent(id)}`);
  }

  /** The cost and quality report over a window (`since`/`until`: ISO dates or relative like `24h`, `7d`). */
  report(options: { since?: string; until?: string } = {}): Promise<Report> {
    return this.#request('GET', `/v1/report${query({ since: options.since, until: options.until })}`);
  }

  /** Stored prompts and responses, newest first (admin). `failures` keeps failures only. @default limit 20 */
  async samples(options: { limit?: number; failures?: boolean; document?: string } = {}): Promise<Sample[]> {
    const body = await this.#request<{ samples: Sample[] }>(
      'GET',
      `/v1/samples${query({ limit: options.limit?.toString(), failures: options.failures ? 'true' : undefined, document: options.document })}`,
    );
    return body.samples;
  }

  /** The newest canary compared across its variants (`GET /v1/canary`). */
  canary(): Promise<CanaryReport> {
    return this.#request('GET', '/v1/canary');
  }

  /** Starts a canary (admin): `share` of new documents use the candidate prompt version and/or model. */
  startCanary(options: {
    share: number;
    promptVersion?: string;
    model?: string;
    maxParseFailureRate?: number;
    minCalls?: number;
  }): Promise<CanaryReport['canary']> {
    return this.#request('POST', '/v1/canary', options);
  }

  /** Ends the active canary (admin): `promote` makes the candidate the default, `rollback` returns to the baseline. */
  endCanary(action: 'promote' | 'rollback'): Promise<CanaryReport['canary']> {
    return this.#request('POST', `/v1/canary/${action}`);
  }

  /** Starts an offline comparison of two configurations on the same documents (admin). */
  startCompare(body: {
    documents: { id?: string; text: string }[];
    taxonomy?: string;
    a: { promptVersion?: string; model?: string };
    b: { promptVersion?: string; model?: string };
  }): Promise<{ compareId: string; documents: number }> {
    return this.#request('POST', '/v1/compare', body);
  }

  /** A comparison: `running`, `failed` (terminated, timed out…), or `done` with its result. */
  compare(
    compareId: string,
  ): Promise<{ status: 'running' } | { status: 'failed'; reason: string } | { status: 'done'; result: CompareResult }> {
    return this.#request('GET', `/v1/compare/${encodeURIComponent(compareId)}`);
  }

  /** Whether the API reaches Temporal and the database. Resolves for a degraded API too; check `status`. */
  health(): Promise<Health> {
    return this.#request('GET', '/healthz', undefined, [503]);
  }

  async #request<T>(method: string, path: string, body?: unknown, acceptedErrors: number[] = []): Promise<T> {
    const request = `${method} ${path}`;
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
      });
    } catch (err) {
      const reason =
        err instanceof Error && err.name === 'TimeoutError'
          ? `no answer within ${this.#requestTimeoutMs} ms`
          : describeCause(err);
      throw new DocketApiError(0, 'unreachable', `cannot reach the Docket API at ${this.baseUrl}: ${reason}`, request, {
        cause: err,
      });
    }
    const text = await res.text();
    if (res.ok || acceptedErrors.includes(res.status)) {
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new DocketApiError(
          res.status,
          'invalid_response',
          `${request} answered ${res.status} without JSON`,
          request,
          {
            cause: err,
          },
        );
      }
    }
    throw errorFromResponse(res, text, request);
  }
}

function errorFromResponse(res: Response, text: string, request: string): DocketApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string' && typeof body.error.message === 'string') {
      return new DocketApiError(res.status, body.error.code, body.error.message, request);
    }
  } catch {
    // Not Docket's error body: a proxy or another server answered.
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new DocketApiError(
    res.status,
    `http_${res.status}`,
    `${request} answered ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ''}`,
    request,
  );
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err.message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A stored prompt and response (`GET /v1/samples`). */
export interface Sample {
  callKey: string;
  documentId: string;
  reason: 'sampled' | 'failure';
  request: unknown;
  response: unknown;
  createdAt: string;
  model: string;
  outcome: string;
  errorType: string | null;
}

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

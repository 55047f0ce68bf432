import type { Pool } from '../../src/db/pool.js';
import { insertLlmCall, type LlmCallRow } from '../../src/db/queries.js';

// The known ledger the report tests share: documents, classifications and LLM calls in October, November (the main
// window) and December 2026, small enough that every figure of the report can be worked out by hand.

export const EVIL_MODEL = '<script>alert("x")</script>';

/** A UTC instant from an ISO date-time without its `Z`. */
export const at = (iso: string) => new Date(`${iso}Z`);
/** `MM-DDTHH:MM[:SS]` in 2026, UTC. */
const in2026 = (when: string) => at(`2026-${when}${when.length === 'MM-DDTHH:MM'.length ? ':00' : ''}`);
/** The main window: November 2026, reported on December 5th. */
export const NOVEMBER = {
  since: at('2026-11-01T00:00:00'),
  until: at('2026-12-01T00:00:00'),
  now: at('2026-12-05T09:00:00'),
};

let callSeq = 0;
/**
 * One ledger row: when (UTC, `MM-DDTHH:MM[:SS]` in 2026), document, model, [input, cached, output] tokens, cost (null:
 * unpriced) and latency; by default an ok call answered with HTTP 200, finish_reason "stop", prompt v1, taxonomy
 * support. `extras` override the rest.
 */
function row(
  when: string,
  documentId: string,
  model: string,
  [inputTokens, cachedTokens, outputTokens]: [number, number, number],
  costUsd: number | null,
  latencyMs: number,
  ...extras: Array<Partial<LlmCallRow>>
): LlmCallRow {
  callSeq += 1;
  return {
    callKey: `call-${callSeq}`,
    documentId,
    workflowId: `classify-${documentId}`,
    runId: 'run-1',
    activityAttempt: 1,
    purpose: 'classify',
    model,
    promptVersion: 'v1',
    taxonomy: 'support',
    inputTokens,
    cachedTokens,
    outputTokens,
    costUsd,
    priced: costUsd !== null,
    latencyMs,
    httpStatus: 200,
    outcome: 'ok',
    errorClass: null,
    errorType: null,
    finishReason: 'stop',
    parseOk: true,
    requestId: null,
    startedAt: in2026(when),
    ...Object.assign({}, ...extras),
  };
}

export const mini = 'gpt-4o-mini';
export const big = 'gpt-4o';
const LEGAL_V2: Partial<LlmCallRow> = { promptVersion: 'v2', taxonomy: 'legal' };
const V2: Partial<LlmCallRow> = { promptVersion: 'v2' };
const RETRY: Partial<LlmCallRow> = { activityAttempt: 2 };
const REPAIR: Partial<LlmCallRow> = { purpose: 'repair' };
/** A failed HTTP call (`status` null: no answer, a timeout). */
const failed = (httpStatus: number | null, errorClass: string, errorType: string): Partial<LlmCallRow> => ({
  httpStatus,
  outcome: 'error',
  errorClass,
  errorType,
  finishReason: null,
  parseOk: null,
});
/** A 200 answer cut off at the token limit, which failed validation. */
const TRUNCATED: Partial<LlmCallRow> = {
  outcome: 'invalid_output',
  errorClass: 'output',
  errorType: 'invalid_output',
  finishReason: 'length',
  parseOk: false,
};
const CONTENT_FILTERED: Partial<LlmCallRow> = {
  outcome: 'error',
  errorClass: 'input',
  errorType: 'DocketContentFiltered',
  finishReason: 'content_filter',
  parseOk: false,
};

/**
 * The known ledger. November (the main window) holds 20 calls over three days on three models, one of them missing
 * from the price table; October holds one earlier call and December 20 calls with long, never-cached prompts.
 */
// prettier-ignore
const CALLS: LlmCallRow[] = [
  // October: before the main window
  row('10-20T08:00', 'd0', mini, [1000, 0, 100], 0.003, 500),
  // November 1st
  row('11-01T10:00', 'd1', mini, [800, 0, 50], 0.001, 400),
  row('11-01T10:05', 'd2', mini, [900, 0, 50], 0.001, 500),
  row('11-01T10:10', 'd3', mini, [700, 0, 50], 0.001, 600),
  row('11-01T10:15', 'd4', mini, [0, 0, 0], 0, 100, failed(429, 'transient', 'DocketRateLimited')),
  row('11-01T10:16', 'd4', mini, [1000, 500, 50], 0.001, 700, RETRY),
  row('11-01T10:20', 'd5', mini, [1200, 0, 400], 0.002, 800, TRUNCATED),
  row('11-01T10:21', 'd5', mini, [1200, 0, 100], 0.001, 900, REPAIR),
  // November 2nd
  row('11-02T09:00', 'd6', big, [2000, 1000, 100], 0.01, 1000, LEGAL_V2),
  row('11-02T09:05', 'd7', big, [600, 0, 100], 0.005, 1100, LEGAL_V2),
  row('11-02T09:10', 'd8', big, [0, 0, 0], 0, 30000, LEGAL_V2, failed(null, 'transient', 'DocketTimeout')),
  row('11-02T09:11', 'd8', big, [600, 0, 100], 0.005, 1200, LEGAL_V2, RETRY),
  row('11-02T09:15', 'd9', big, [0, 0, 0], 0, 200, LEGAL_V2, failed(401, 'operator', 'DocketAuthentication')),
  row('11-02T11:00', 'd9', big, [600, 0, 100], 0.005, 1300, LEGAL_V2),
  row('11-02T23:59:59', 'd10', big, [0, 0, 0], 0, 150, LEGAL_V2, failed(400, 'input', 'DocketContextLengthExceeded')),
  // November 3rd: the unpriced model first, at midnight
  row('11-03T00:00', 'd11', EVIL_MODEL, [500, 0, 20], null, 1400, V2),
  row('11-03T08:00', 'd12', EVIL_MODEL, [500, 0, 20], null, 1500, V2),
  row('11-03T09:00', 'd13', mini, [800, 0, 300], 0.0015, 25000, TRUNCATED),
  row('11-03T09:01', 'd13', mini, [800, 0, 50], 0.001, 450, REPAIR),
  row('11-03T10:00', 'd14', mini, [0, 0, 0], 0, 300, failed(500, 'transient', 'DocketServerError')),
  row('11-03T10:01', 'd14', mini, [800, 0, 0], 0.00012, 650, RETRY, CONTENT_FILTERED),
  // December: long prompts, never cached
  ...Array.from({ length: 20 }, (_, i) =>
    row(`12-0${i < 10 ? 1 : 2}T12:00`, `e${i}`, 'gpt-4.1-mini', [1500, 0, 60], 0.0007, 1000 + i * 10, { promptVersion: 'v3' }),
  ),
];

interface Decision {
  decidedBy: 'model' | 'human';
  decidedAt: string;
  model?: string;
  promptVersion?: string;
  unreviewed?: boolean;
  reason?: string;
  suggested?: string;
  category?: string;
}
/** Decided by the model at `when` (`MM-DDTHH:MM` in 2026). */
const byModel = (when: string, extra: Partial<Decision> = {}): Decision => ({
  decidedBy: 'model',
  decidedAt: when,
  ...extra,
});
/** Decided by a person at `when`, for `reason`; the model suggested `suggested` (or nothing). */
const byHuman = (
  when: string,
  reason: string,
  suggested: string | undefined,
  category: string,
  extra: Partial<Decision> = {},
): Decision => ({ decidedBy: 'human', decidedAt: when, reason, suggested, category, ...extra });
const BIG_V2: Partial<Decision> = { model: big, promptVersion: 'v2' };
const EVIL_V2: Partial<Decision> = { model: EVIL_MODEL, promptVersion: 'v2' };

/** Documents: id, created at (`MM-DDTHH:MM` in 2026) and the classification; d14, d15 and d16 are still open. */
// prettier-ignore
const DOCUMENTS: Array<[string, string, Decision?]> = [
  ['d0', '10-20T07:59', byHuman('10-20T09:00', 'low_confidence', 'billing', 'refund')],
  ['d1', '11-01T09:59', byModel('11-01T10:01')],
  ['d2', '11-01T10:04', byModel('11-01T10:06')],
  ['d3', '11-01T10:09', byModel('11-01T10:11')],
  ['d4', '11-01T10:14', byModel('11-01T10:17')],
  ['d5', '11-01T10:19', byHuman('11-01T15:00', 'low_confidence', 'billing', 'billing')],
  ['d15', '11-01T12:00'],
  ['d6', '11-02T08:59', byModel('11-02T09:01', BIG_V2)],
  ['d7', '11-02T09:04', byHuman('11-02T12:00', 'low_confidence', 'contract', 'privacy', BIG_V2)],
  ['d8', '11-02T09:09', byModel('11-02T09:12', BIG_V2)],
  ['d9', '11-02T09:14', byModel('11-02T11:01', BIG_V2)],
  ['d10', '11-02T23:59', byHuman('11-03T08:30', 'input_too_long', undefined, 'contract', BIG_V2)],
  ['d11', '11-02T23:59', byModel('11-03T00:01', EVIL_V2)],
  ['d12', '11-03T07:59', byModel('11-04T08:00', { ...EVIL_V2, unreviewed: true })],
  ['d13', '11-03T08:59', byHuman('11-03T17:00', 'invalid_output', 'bug', 'bug')],
  ['d14', '11-03T09:59'],
  ['d16', '11-03T12:00'],
  ...Array.from({ length: 20 }, (_, i): [string, string, Decision] =>
    [`e${i}`, '12-01T11:00', byModel('12-02T13:00', { model: 'gpt-4.1-mini', promptVersion: 'v3' })],
  ),
];

/** Writes the known ledger: its documents, their classifications and every LLM call. */
export async function insertLedger(pool: Pool): Promise<void> {
  for (const [id, createdAt, decision] of DOCUMENTS) {
    await pool.query(
      `INSERT INTO documents (id, content_hash, text, taxonomy, created_at) VALUES ($1, $2, $3, 'support', $4)`,
      [id, `hash-${id}`, `text of ${id}`, in2026(createdAt)],
    );
    if (!decision) continue;
    const human = decision.decidedBy === 'human';
    await pool.query(
      `INSERT INTO classifications (document_id, category, confidence, reasoning, decided_by, reviewer, unreviewed, model,
         prompt_version, taxonomy, workflow_id, run_id, decided_at, review_reason, suggested_category, suggested_confidence)
       VALUES ($1, $2, $3, 'because', $4, $5, $6, $7, $8, 'support', $9, 'run-1', $10, $11, $12, $13)`,
      [
        id,
        decision.category ?? 'billing',
        human ? 1 : 0.9,
        decision.decidedBy,
        human ? 'rita' : null,
        decision.unreviewed ?? false,
        decision.model ?? mini,
        decision.promptVersion ?? 'v1',
        `classify-${id}`,
        in2026(decision.decidedAt),
        decision.reason ?? null,
        decision.suggested ?? null,
        decision.suggested ? 0.4 : null,
      ],
    );
  }
  for (const c of CALLS) await insertLlmCall(pool, c);
}

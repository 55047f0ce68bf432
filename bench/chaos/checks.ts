/**
 * The campaign's verdicts, computed from facts gathered at the end of a run: pure functions over plain data, so that
 * `test/chaos/chaos-checks.test.ts` can check them on a known fixture.
 */
import type { FaultKind, RecordedRequest } from '../../src/simulator/index.js';

/** What the end of a run shows of one submitted document. */
export interface DocumentFacts {
  id: string;
  /** Some submission of it was answered 202 by the API. */
  accepted: boolean;
  /** Its row is in `documents`. */
  stored: boolean;
  /** A workflow start is still owed for it (its own or its batch's row of `workflow_starts`). */
  startOwed: boolean;
  /** Execution statuses of every run of `classify-<id>` (`RUNNING`, `COMPLETED`, `FAILED`, ...). */
  runs: string[];
  /** Rows of `classifications` for it. */
  classificationRows: number;
  /** The status `GET /v1/documents/:id` gave at the end; undefined when it did not answer 200. */
  status?: string;
}

/** Simulator fault kinds that no retry can fix: one call each, then a pause or a review. */
export const NON_RETRYABLE_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'insufficient_quota',
  'context_length_exceeded',
  'invalid_request',
  'unauthorized',
  'forbidden',
  'model_not_found',
  'content_policy_violation',
]);

/** Accepted, yet no row, or no workflow and no start owed: nothing will ever classify it. */
export function lostDocuments(facts: DocumentFacts[]): string[] {
  return facts.filter((f) => f.accepted && (!f.stored || (f.runs.length === 0 && !f.startOwed))).map((f) => f.id);
}

/** More than one result row, or more than one completed workflow run. */
export function duplicatedDocuments(facts: DocumentFacts[]): string[] {
  return facts
    .filter((f) => f.classificationRows > 1 || f.runs.filter((s) => s === 'COMPLETED').length > 1)
    .map((f) => f.id);
}

/** Shown as `classifying` while no workflow run is running for it: nobody is working on it. */
export function strandedDocuments(facts: DocumentFacts[]): string[] {
  return facts.filter((f) => f.status === 'classifying' && !f.runs.includes('RUNNING')).map((f) => f.id);
}

/** Still `classifying` at the end with a running workflow: slow or stuck, not abandoned. */
export function stillClassifying(facts: DocumentFacts[]): string[] {
  return facts.filter((f) => f.status === 'classifying' && f.runs.includes('RUNNING')).map((f) => f.id);
}

/** Documents per final status (`unanswered` when the API gave none). */
export function statusCounts(facts: DocumentFacts[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of facts) {
    const key = f.status ?? 'unanswered';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Reads the document a provider request was made for from its text. */
export type DocumentOf = (request: RecordedRequest) => string | undefined;

/** Requests in arrival order, grouped by document (requests of no known document are left out). */
function byDocument(requests: RecordedRequest[], documentOf: DocumentOf): Map<string, RecordedRequest[]> {
  const grouped = new Map<string, RecordedRequest[]>();
  for (const r of [...requests].sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq)) {
    const id = documentOf(r);
    if (id === undefined) continue;
    const list = grouped.get(id) ?? [];
    list.push(r);
    grouped.set(id, list);
  }
  return grouped;
}

/**
 * Requests sent before the Retry-After of the document's previous answer had passed. `fromAnswer` counts from when
 * the answer was sent (what the provider asked for), `fromRequest` from when the previous request arrived (lenient).
 */
export function earlyRetries(
  requests: RecordedRequest[],
  documentOf: DocumentOf,
): { fromAnswer: number; fromRequest: number; asked: number } {
  let fromAnswer = 0;
  let fromRequest = 0;
  let asked = 0;
  for (const list of byDocument(requests, documentOf).values()) {
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1] as RecordedRequest;
      const next = list[i] as RecordedRequest;
      if (prev.retryAfterMs === undefined) continue;
      asked++;
      if (next.receivedAt - (prev.finishedAt ?? prev.receivedAt) < prev.retryAfterMs) fromAnswer++;
      if (next.receivedAt - prev.receivedAt < prev.retryAfterMs) fromRequest++;
    }
  }
  return { fromAnswer, fromRequest, asked };
}

/** How often a non-retryable error was followed by more calls, and where (for reading against the events). */
export interface NonRetryableCalls {
  errors: number;
  followUps: number;
  callsPerError: number;
  byKind: Record<string, number>;
  /** Documents called again after their first non-retryable error: that error's time and the later calls' (epoch ms). */
  repeated: { id: string; kind: string; at: number; next: number[] }[];
}

/**
 * Calls per non-retryable error: each such answer should be the document's last call until an operator resumed
 * paused documents (`operatorActions`, epoch ms: the campaign's resume, and any resume the bad-input corpus got
 * through). `followUps` counts the calls made anyway.
 */
export function nonRetryableCalls(
  requests: RecordedRequest[],
  documentOf: DocumentOf,
  operatorActions: number[],
): NonRetryableCalls {
  const nextAction = (t: number) => Math.min(...operatorActions.filter((a) => a > t), Number.POSITIVE_INFINITY);
  let errors = 0;
  let followUps = 0;
  const byKind: Record<string, number> = {};
  const repeated: NonRetryableCalls['repeated'] = [];
  for (const [id, list] of byDocument(requests, documentOf)) {
    let windowEnd = Number.NEGATIVE_INFINITY;
    let open: NonRetryableCalls['repeated'][number] | undefined;
    for (const r of list) {
      if (r.receivedAt < windowEnd && open) {
        followUps++;
        open.next.push(r.receivedAt);
      }
      if (r.fault === undefined || !NON_RETRYABLE_FAULTS.has(r.fault)) continue;
      errors++;
      byKind[r.fault] = (byKind[r.fault] ?? 0) + 1;
      if (r.receivedAt >= windowEnd) {
        windowEnd = nextAction(r.receivedAt);
        open = { id, kind: r.fault, at: r.receivedAt, next: [] };
        repeated.push(open);
      }
    }
  }
  const callsPerError = errors === 0 ? 0 : (errors + followUps) / errors;
  return { errors, followUps, callsPerError, byKind, repeated: repeated.filter((c) => c.next.length > 0) };
}

/** Documents whose valid answer (a 200 with no injected output fault) was bought more than once, and when (epoch ms). */
export function answersPaidTwice(requests: RecordedRequest[], documentOf: DocumentOf): { id: string; at: number[] }[] {
  const paid: { id: string; at: number[] }[] = [];
  for (const [id, list] of byDocument(requests, documentOf)) {
    const valid = list.filter((r) => r.status === 200 && r.fault === undefined);
    if (valid.length > 1) paid.push({ id, at: valid.map((r) => r.receivedAt) });
  }
  return paid;
}

/** The call ledger against the provider's own count, document by document (documents `documentOf` knows). */
export function ledgerVsRequests(
  ledgerRows: Map<string, number>,
  requests: RecordedRequest[],
  documentOf: DocumentOf,
): { rows: number; requests: number; missingRows: number; extraRows: number; documentsMismatched: number } {
  const sent = new Map<string, number>();
  for (const [id, list] of byDocument(requests, documentOf)) sent.set(id, list.length);
  let missingRows = 0;
  let extraRows = 0;
  let documentsMismatched = 0;
  for (const id of new Set([...sent.keys(), ...ledgerRows.keys()])) {
    const difference = (sent.get(id) ?? 0) - (ledgerRows.get(id) ?? 0);
    if (difference > 0) missingRows += difference;
    if (difference < 0) extraRows -= difference;
    if (difference !== 0) documentsMismatched++;
  }
  let rows = 0;
  for (const n of ledgerRows.values()) rows += n;
  let total = 0;
  for (const n of sent.values()) total += n;
  return { rows, requests: total, missingRows, extraRows, documentsMismatched };
}

/** Occurrences of any marker in each process's captured output. */
export function markerLeaks(logs: { process: string; text: string }[], markers: string[]): Record<string, number> {
  const leaks: Record<string, number> = {};
  for (const { process, text } of logs) {
    let count = 0;
    for (const marker of markers) count += text.split(marker).length - 1;
    if (count > 0) leaks[process] = (leaks[process] ?? 0) + count;
  }
  return leaks;
}

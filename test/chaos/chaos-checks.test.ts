import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  answersPaidTwice,
  duplicatedDocuments,
  earlyRetries,
  ledgerVsRequests,
  lostDocuments,
  markerLeaks,
  nonRetryableCalls,
  statusCounts,
  stillClassifying,
  strandedDocuments,
  type DocumentFacts,
} from '../../bench/chaos/checks.js';
import { documentIdOf } from '../../bench/documents.js';
import type { RecordedRequest } from '../../src/simulator/index.js';

const fact = (id: string, overrides: Partial<DocumentFacts> = {}): DocumentFacts => ({
  id,
  accepted: true,
  stored: true,
  startOwed: false,
  runs: ['COMPLETED'],
  classificationRows: 1,
  status: 'completed',
  ...overrides,
});

const FACTS: DocumentFacts[] = [
  fact('fine'),
  fact('no-row', { stored: false, runs: [], classificationRows: 0, status: undefined }),
  fact('no-workflow', { runs: [], classificationRows: 0, status: 'classifying' }),
  fact('queued', { runs: [], startOwed: true, classificationRows: 0, status: 'classifying' }),
  fact('never-accepted', { accepted: false, stored: false, runs: [], classificationRows: 0, status: undefined }),
  fact('two-results', { classificationRows: 2 }),
  fact('two-runs', { runs: ['COMPLETED', 'COMPLETED'] }),
  fact('closed-unfinished', { runs: ['FAILED'], classificationRows: 0, status: 'classifying' }),
  fact('working', { runs: ['RUNNING'], classificationRows: 0, status: 'classifying' }),
  fact('paused', { runs: ['RUNNING'], classificationRows: 0, status: 'paused' }),
];

let seq = 0;
const request = (id: string, receivedAt: number, fields: Partial<RecordedRequest> = {}): RecordedRequest => ({
  seq: seq++,
  receivedAt,
  finishedAt: receivedAt + 100,
  path: '/v1/chat/completions',
  model: 'gpt-4o-mini',
  userText: `Document ${id}. Some text.`,
  promptTokens: 10,
  status: 200,
  ...fields,
});
const documentOf = (r: RecordedRequest) => documentIdOf(r.userText);

describe('chaos checks on a known fixture', () => {
  it('counts as lost an accepted document with no row, or with no workflow and no start owed', () => {
    assert.deepEqual(lostDocuments(FACTS), ['no-row', 'no-workflow']);
  });

  it('counts as duplicated a document with two result rows or two completed runs', () => {
    assert.deepEqual(duplicatedDocuments(FACTS), ['two-results', 'two-runs']);
  });

  it('counts as stranded a classifying document with no running workflow, and apart the ones still worked on', () => {
    assert.deepEqual(strandedDocuments(FACTS), ['no-workflow', 'queued', 'closed-unfinished']);
    assert.deepEqual(stillClassifying(FACTS), ['working']);
    assert.deepEqual(statusCounts(FACTS), { completed: 3, unanswered: 2, classifying: 4, paused: 1 });
  });

  it('counts a retry sent before the Retry-After of the previous answer, from the answer and from the request', () => {
    const requests = [
      request('a', 0, { status: 429, retryAfterMs: 1000 }),
      request('a', 1050), // 950 ms after the answer: early by the answer, in time by the request
      request('b', 0, { status: 429, retryAfterMs: 1000 }),
      request('b', 1200), // in time by both clocks
      request('c', 0, { status: 429, retryAfterMs: 1000 }),
      request('c', 500), // early by both
      request('d', 0, { status: 500 }),
      request('d', 10), // no Retry-After asked
    ];
    assert.deepEqual(earlyRetries(requests, documentOf), { fromAnswer: 2, fromRequest: 1, asked: 3 });
  });

  it('counts calls made after a non-retryable error until the operator acted', () => {
    const requests = [
      request('q', 0, { status: 429, fault: 'insufficient_quota' }),
      request('q', 5000, { status: 200 }), // after the resume at 4000: expected
      request('u', 0, { status: 401, fault: 'unauthorized' }),
      request('u', 2000, { status: 401, fault: 'unauthorized' }), // retried a non-retryable error
      request('u', 3000, { status: 200 }),
      request('s', 0, { status: 500, fault: 'server_error' }),
      request('s', 1000, { status: 200 }),
    ];
    const result = nonRetryableCalls(requests, documentOf, [4000]);
    assert.equal(result.errors, 3);
    assert.equal(result.followUps, 2);
    assert.equal(result.callsPerError, 5 / 3);
    assert.deepEqual(result.byKind, { insufficient_quota: 1, unauthorized: 2 });
    assert.deepEqual(result.repeated, [{ id: 'u', kind: 'unauthorized', at: 0, next: [2000, 3000] }]);
  });

  it('counts no call after a resume that came between the error and the call', () => {
    const requests = [
      request('r', 0, { status: 400, fault: 'invalid_request' }),
      request('r', 2000, { status: 200 }), // resumed at 1000 (e.g. POST /v1/resume)
    ];
    assert.equal(nonRetryableCalls(requests, documentOf, [1000, 9000]).followUps, 0);
    assert.equal(nonRetryableCalls(requests, documentOf, [9000]).followUps, 1);
  });

  it('finds a valid answer bought twice, and not a repair after invalid output', () => {
    const requests = [
      request('twice', 0),
      request('twice', 1000),
      request('repaired', 0, { fault: 'invalid_json' }),
      request('repaired', 1000),
      request('once', 0, { status: 503, fault: 'overloaded' }),
      request('once', 1000),
    ];
    assert.deepEqual(answersPaidTwice(requests, documentOf), [{ id: 'twice', at: [0, 1000] }]);
  });

  it('compares ledger rows with provider requests per document', () => {
    const requests = [request('a', 0), request('a', 1), request('b', 0), request('c', 0)];
    const rows = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 2],
    ]);
    assert.deepEqual(ledgerVsRequests(rows, requests, documentOf), {
      rows: 4,
      requests: 4,
      missingRows: 1,
      extraRows: 1,
      documentsMismatched: 2,
    });
  });

  it('counts marker strings in each process output', () => {
    const logs = [
      { process: 'worker-1', text: 'ok\nleaked MARK-1 and MARK-2 and MARK-1\n' },
      { process: 'api', text: 'nothing here' },
    ];
    assert.deepEqual(markerLeaks(logs, ['MARK-1', 'MARK-2']), { 'worker-1': 3 });
  });
});

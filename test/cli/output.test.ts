import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { DocketApiError, type DocumentStatus, type DocumentView } from '../../src/client/docket-client.js';
import { formatBatch } from '../../src/cli/commands/batch.js';
import { formatCanaryStarted } from '../../src/cli/commands/canary.js';
import { formatResumed } from '../../src/cli/commands/resume.js';
import { formatSample } from '../../src/cli/commands/samples.js';
import { followCommand, submittedLine } from '../../src/cli/commands/submit.js';
import { describeError, reportError } from '../../src/cli/error-output.js';
import { CliError, EXIT_CODES, mostUrgent, UsageError } from '../../src/cli/exit-codes.js';
import { LIST_LIMIT, plural, skippedLines } from '../../src/cli/format.js';
import { timeoutMessage, waitExitCode } from '../../src/cli/wait.js';

function view(id: string, status: DocumentStatus): DocumentView {
  return { id, status, taxonomy: 'default', calls: 1, costUsd: 0.0001, workflowUrl: `http://ui/${id}` };
}

function captured() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = (stream: PassThrough) => String(stream.read() ?? '');
  return { io: { stdout, stderr }, out: () => text(stdout), err: () => text(stderr) };
}

describe('the exit code of the docket CLI', () => {
  it('mostUrgent lets a failure outweigh documents that need attention, and those outweigh success', () => {
    const { ok, failure, needsAttention } = EXIT_CODES;
    assert.equal(mostUrgent(ok, ok), ok);
    assert.equal(mostUrgent(ok, needsAttention), needsAttention);
    assert.equal(mostUrgent(needsAttention, ok), needsAttention);
    assert.equal(mostUrgent(failure, needsAttention), failure);
    assert.equal(mostUrgent(needsAttention, failure), failure);
    assert.equal(mostUrgent(failure, ok), failure);
  });

  it('after --wait is 1 for a failed or unsettled document, 3 for a review or a pause, else 0', () => {
    assert.equal(waitExitCode([view('a', 'completed')], []), EXIT_CODES.ok);
    assert.equal(waitExitCode([view('a', 'completed'), view('b', 'pending_review')], []), EXIT_CODES.needsAttention);
    assert.equal(waitExitCode([view('a', 'paused')], []), EXIT_CODES.needsAttention);
    assert.equal(waitExitCode([view('a', 'paused'), view('b', 'failed')], []), EXIT_CODES.failure);
    assert.equal(waitExitCode([view('a', 'completed')], ['b']), EXIT_CODES.failure);
  });
});

describe('the readable output of the docket CLI', () => {
  it('says how many documents are still classifying when --timeout ran out, naming the first three', () => {
    assert.equal(timeoutMessage([], 5), undefined);
    assert.equal(
      timeoutMessage(['a', 'b'], 5),
      'Timed out after 5 s with 2 documents still classifying; follow them with: docket status a b',
    );
    assert.equal(
      timeoutMessage(['a', 'b', 'c', 'd'], 0.5),
      'Timed out after 0.5 s with 4 documents still classifying; follow them with: docket status a b c …',
    );
  });

  it('counts in words, with a plural of its own where the s does not fit', () => {
    assert.equal(plural(1, 'call'), '1 call');
    assert.equal(plural(0, 'call'), '0 calls');
    assert.equal(plural(2, 'workflow history', 'workflow histories'), '2 workflow histories');
  });

  it('names the first skipped files, then only how many more', () => {
    const skipped = Array.from({ length: LIST_LIMIT + 3 }, (_, i) => ({ source: `f${i}.bin`, reason: 'binary' }));
    const lines = skippedLines(skipped);
    assert.equal(lines.length, LIST_LIMIT + 1);
    assert.equal(lines[0], 'skipped f0.bin: binary');
    assert.equal(lines.at(-1), 'skipped 3 more files that cannot be sent');
    assert.deepEqual(skippedLines(skipped.slice(0, 2)), ['skipped f0.bin: binary', 'skipped f1.bin: binary']);
  });

  it('lists a submitted document with its source when the id differs, and "accepted" when a batch took it', () => {
    assert.equal(submittedLine({ source: 'a.txt', id: 'a.txt', status: 'classifying' }), 'a.txt  classifying');
    assert.equal(submittedLine({ source: 'in/a.txt', id: 'doc-1', batchId: 'b-1' }), 'doc-1  accepted  (in/a.txt)');
  });

  it('follows one batch with docket batch, one document with docket status, and several documents with nothing', () => {
    const one = [{ source: 'a.txt', id: 'doc-1' }];
    assert.equal(followCommand(one, ['b-1']), 'docket batch b-1');
    assert.equal(followCommand(one, ['b-1', 'b-2']), 'docket batch <id> (one of the batches above)');
    assert.equal(followCommand(one, []), 'docket status doc-1');
    assert.equal(followCommand([...one, { source: 'b.txt', id: 'doc-2' }], []), undefined);
  });

  it('shows a batch with only the statuses it holds', () => {
    const batch = { batchId: 'b-1', documents: 3, done: false, calls: 2, costUsd: 0.0001 };
    assert.equal(
      formatBatch({ ...batch, counts: { completed: 2, failed: 0, classifying: 1 } }),
      'b-1  3 documents: 2 completed, 1 classifying · 2 calls · $0.000100',
    );
    assert.equal(
      formatBatch({ ...batch, counts: { completed: 0 }, costUsd: 0 }),
      'b-1  3 documents: none · 2 calls · $0',
    );
  });

  it('names the documents resumed, cut short when they are many', () => {
    assert.equal(formatResumed([]), 'No documents were paused.');
    assert.equal(formatResumed(['a-1']), 'Resumed 1 document: a-1');
    const many = Array.from({ length: 100 }, (_, i) => `document-${i}`);
    const line = formatResumed(many);
    assert.match(line, /^Resumed 100 documents: document-0 document-1 /);
    assert.ok(line.endsWith('…') && line.length < 450, line);
  });

  it('shows a sample in two lines, its error type beside the outcome and the response cut short', () => {
    const sample = {
      createdAt: '2026-11-02T10:00:00.000Z',
      documentId: 'doc-1',
      model: 'gpt-4o-mini',
      outcome: 'invalid_output',
      errorType: 'InvalidOutput',
      reason: 'failure' as const,
      response: { content: 'x'.repeat(1000) },
    };
    const [first, second, ...rest] = formatSample(sample).split('\n');
    assert.equal(first, '2026-11-02T10:00:00.000Z  doc-1  gpt-4o-mini  invalid_output (InvalidOutput)  [failure]');
    assert.ok(second !== undefined && second.startsWith('  response: {"content":"xxx') && second.endsWith('…'), second);
    assert.equal(second.length, '  response: '.length + 300);
    assert.deepEqual(rest, []);
    assert.equal(
      formatSample({ ...sample, errorType: null, reason: 'sampled', response: undefined }),
      '2026-11-02T10:00:00.000Z  doc-1  gpt-4o-mini  invalid_output  [sampled]\n  response: null',
    );
  });

  it('announces a started canary with its share in percent and its candidate', () => {
    assert.equal(
      formatCanaryStarted({ id: 3, share: 0.125, candidate: { promptVersion: 'v2', model: 'gpt-4o-mini' } }),
      'Canary #3 started: 12.5% of new documents use v2 / gpt-4o-mini',
    );
  });
});

describe('the errors of the docket CLI', () => {
  it('gives usage errors exit code 2 and code usage, other CLI errors their own exit code', () => {
    assert.deepEqual(describeError(new UsageError('name one')), { exitCode: 2, code: 'usage', message: 'name one' });
    assert.deepEqual(describeError(new CliError('interrupted')), {
      exitCode: 1,
      code: 'error',
      message: 'interrupted',
    });
  });

  it("keeps an API error's status and code, with a hint when the API is unreachable or refused the token", () => {
    const unreachable = new DocketApiError(0, 'unreachable', 'fetch failed', 'GET /v1/documents/a');
    assert.deepEqual(describeError(unreachable), {
      exitCode: 1,
      code: 'unreachable',
      status: 0,
      message: 'fetch failed\n  Is Docket running? Start it with npm start, or point --url / DOCKET_URL at it.',
    });
    const unauthorized = new DocketApiError(401, 'unauthorized', 'bad token', 'GET /v1/reviews');
    assert.equal(describeError(unauthorized).message, 'bad token\n  Check DOCKET_TOKEN or --token.');
    const missing = new DocketApiError(404, 'not_found', 'no document a', 'GET /v1/documents/a');
    assert.equal(describeError(missing).message, 'no document a');
  });

  it('shows the stack of an unexpected error, which is a bug to report', () => {
    const bug = new TypeError('x is undefined');
    assert.deepEqual(describeError(bug), { exitCode: 1, code: 'error', message: bug.stack });
    assert.deepEqual(describeError('thrown string'), { exitCode: 1, code: 'error', message: 'thrown string' });
  });

  it('prints an error on stderr, adds the usage hint without --json, and an { error } document with it', () => {
    const readable = captured();
    assert.equal(reportError(new UsageError('name one'), readable.io, false), 2);
    assert.equal(readable.err(), 'docket: name one\n(add --help for usage)\n');
    assert.equal(readable.out(), '');

    const json = captured();
    const err = new DocketApiError(409, 'conflict', 'other text', 'POST /v1/documents');
    assert.equal(reportError(err, json.io, true), 1);
    assert.equal(json.err(), 'docket: other text\n');
    assert.deepEqual(JSON.parse(json.out()), { error: { code: 'conflict', message: 'other text', status: 409 } });
  });

  it('leaves the errors commander printed alone, exiting 0 after --help and 2 after a usage error', () => {
    const help = captured();
    assert.equal(reportError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), help.io, false), 0);
    const unknown = captured();
    assert.equal(reportError(new CommanderError(1, 'commander.unknownOption', 'unknown'), unknown.io, true), 2);
    assert.equal(help.err() + help.out() + unknown.err() + unknown.out(), '');
  });
});

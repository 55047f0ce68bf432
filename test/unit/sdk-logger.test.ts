import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { formatLogLine } from '../../src/dev/log-lines.js';
import { createLogger } from '../../src/logger.js';
import { SdkLogger } from '../../src/worker/runtime.js';

/** An SdkLogger at WARN writing pino JSON records into `records`. */
function capture(): { sdk: SdkLogger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line));
      done();
    },
  });
  return { sdk: new SdkLogger(createLogger({ level: 'trace', name: 'temporal' }, sink), 'WARN'), records };
}

describe('the Temporal SDK logger', () => {
  it("drops the LLM worker's 'No workflows registered' warning, and only that worker's", () => {
    const { sdk, records } = capture();
    sdk.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'docket-llm' });
    sdk.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'docket' });
    assert.deepEqual(
      records.map((r) => r.taskQueue),
      ['docket'],
    );
  });

  it('logs an expected failure as one line with its type, and a bug with its stack', () => {
    const { sdk, records } = capture();
    const quota = ApplicationFailure.create({
      type: 'DocketInsufficientQuota',
      message: 'You exceeded your current quota',
      nonRetryable: true,
    });
    sdk.warn('Activity failed', { activityType: 'classifyWithLlm', error: quota });
    sdk.warn('Activity failed', { activityType: 'storeClassification', error: new TypeError('x is undefined') });
    const [expected, bug] = records;
    assert.equal(expected?.msg, 'Activity failed: DocketInsufficientQuota');
    assert.equal(expected?.reason, 'You exceeded your current quota');
    assert.equal(expected?.err, undefined);
    assert.equal(formatLogLine(JSON.stringify(expected)).split('\n').length, 1);
    assert.match(String((bug?.err as { stack?: string }).stack), /TypeError: x is undefined\n\s+at /);
    assert.ok(formatLogLine(JSON.stringify(bug)).split('\n').length > 1, 'the stack follows the line');
  });

  it('keeps below-level SDK chatter out', () => {
    const { sdk, records } = capture();
    sdk.info('Worker state changed', { state: 'RUNNING' });
    sdk.debug('Activity started');
    assert.equal(records.length, 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';

describe('DOCKET_RETENTION_DAYS', () => {
  it('keeps everything when unset or empty', () => {
    assert.equal(loadConfig({}).retentionDays, undefined);
    assert.equal(loadConfig({ DOCKET_RETENTION_DAYS: '' }).retentionDays, undefined);
  });

  it('takes a number of days, fractions included', () => {
    assert.equal(loadConfig({ DOCKET_RETENTION_DAYS: '30' }).retentionDays, 30);
    assert.equal(loadConfig({ DOCKET_RETENTION_DAYS: '0.5' }).retentionDays, 0.5);
  });

  it('rejects zero, a negative or a word, naming the variable', () => {
    for (const value of ['0', '-3', 'forever']) {
      assert.throws(() => loadConfig({ DOCKET_RETENTION_DAYS: value }), /DOCKET_RETENTION_DAYS/, value);
    }
  });
});

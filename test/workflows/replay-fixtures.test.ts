import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config.js';
import { replayOptions, testPayloadKeysEnv } from '../helpers/docket.js';

const DIR = 'test/fixtures/histories';

/**
 * Histories recorded from earlier versions of `classifyDocumentWorkflow` (one per path: completed, repaired,
 * resumed, each review reason), and of `classifyBatchWorkflow` before grouped child starts, must replay on today's code: a change that would break running workflows fails
 * here. Re-record with `DOCKET_RECORD_HISTORIES=test/fixtures/histories npm test test/workflows/error-taxonomy.test.ts`
 * only when the old ones are kept beside the new.
 */
describe('recorded histories', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.binpb'));

  it('include every path of the document workflow', () => {
    assert.ok(files.length >= 6, `${files.length} fixtures`);
  });

  for (const file of files) {
    it(`replay deterministically: ${file}`, async () => {
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(join(DIR, file)));
      // With the payload codec configured as everywhere: it passes these unencrypted payloads through.
      const config = loadConfig({ DOCKET_PAYLOAD_KEYS: testPayloadKeysEnv() });
      await Worker.runReplayHistory(await replayOptions(config), history, file);
    });
  }
});

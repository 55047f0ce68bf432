import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import type { ReclassifyReport } from '../../src/client/docket-client.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';

const BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'bin', 'docket.js');
const run = promisify(execFile);

describe('docket reclassify', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let served: RunningApi;
  before(async () => {
    env = await startDocket();
    api = testApi(env);
    served = await startApi(
      { pool: env.pool, client: env.client, config: env.config, logger: env.logger },
      { host: '127.0.0.1', port: 0 },
    );
  });
  after(async () => {
    await served.close();
    await env.stop();
  });

  const docket = (args: string[]) =>
    run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', DOCKET_URL: served.url, DOCKET_TOKEN: TEST_TOKENS.admin },
    });

  it('runs a category again, waits, and prints what changed; status shows the same diff', async () => {
    const id = `cli-rc-${Date.now()}`;
    await api.submit({ id, text: `${id} the contract clause limits liability under GDPR` });
    await api.waitForStatus(id, 'completed');
    env.sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.9, category: 'marketing' }] });

    const { stdout } = await docket(['reclassify', '--category', 'legal', '--since', '1h', '--wait', '--json']);
    const report = JSON.parse(stdout) as ReclassifyReport;
    assert.equal(report.running, 0);
    assert.deepEqual(
      report.changed.find((c) => c.id === id),
      { id, from: 'legal', to: 'marketing', decidedBy: 'model', applied: true },
    );
    assert.equal((await api.get(id)).result?.category, 'marketing');

    const status = await docket(['reclassify', 'status', report.reclassifyId]);
    assert.match(status.stdout, new RegExp(`${id}: legal → marketing`));
    assert.match(status.stdout, /0 running/);
  });

  it('refuses to run without a selection, or with an unknown action (exit 2)', async () => {
    await assert.rejects(docket(['reclassify']), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /select documents: --batch/);
      return true;
    });
    await assert.rejects(docket(['reclassify', 'stats', 'x']), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /use docket reclassify status <id>/);
      return true;
    });
  });
});

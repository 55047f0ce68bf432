import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs } from '../helpers/processes.js';

const run = promisify(execFile);

describe('samples, the report, and what reaches the logs', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let inProcess: Awaited<ReturnType<DocketTestEnv['startWorker']>>;
  before(async () => {
    // Rate 0: only failures are kept, so what is stored is exactly predictable (the default keeps 1% besides).
    env = await startDocket({ env: { DOCKET_SAMPLE_RATE: '0' }, worker: false });
    inProcess = await env.startWorker({ DOCKET_SAMPLE_RATE: '0' });
    api = testApi(env);
  });
  after(() => env.stop());

  it('keeps every failure whole in samples, and no successful call at rate 0', async () => {
    env.sim.addRule({ match: 'sample-bad', faults: ['invalid_json'] });
    await api.submit({ id: 'sample-bad', text: 'sample-bad the kubernetes deploy broke' });
    await api.submit({ id: 'sample-ok', text: 'sample-ok the kubernetes deploy broke' });
    await api.waitForStatus('sample-bad', 'completed');
    await api.waitForStatus('sample-ok', 'completed');
    const res = await api.call('/v1/samples?limit=50', { token: TEST_TOKENS.admin });
    assert.equal(res.status, 200);
    const { samples } = (await res.json()) as {
      samples: { documentId: string; reason: string; request: { messages: { content: string }[] } }[];
    };
    assert.deepEqual(
      samples.map((s) => [s.documentId, s.reason]),
      [['sample-bad', 'failure']],
    );
    assert.match(samples[0]!.request.messages.at(-1)?.content ?? '', /sample-bad the kubernetes deploy broke/);
    assert.equal((await api.call('/v1/samples', { token: TEST_TOKENS.reviewer })).status, 403);
  });

  it('serves the report as JSON, text and HTML, and docket report prints it', async () => {
    const json = (await (await api.call('/v1/report?since=24h')).json()) as {
      calls: { total: number };
      documents: { completed: number };
    };
    assert.ok(json.calls.total >= 3);
    assert.ok(json.documents.completed >= 2);
    const html = await (await api.call('/v1/report?format=html')).text();
    assert.match(html, /<svg/);
    assert.equal((await api.call('/v1/report?since=yesterday-ish')).status, 400);

    const served: RunningApi = await startApi(
      { pool: env.pool, client: env.client, config: env.config, logger: env.logger },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const { stdout } = await run(process.execPath, ['bin/docket.js', 'report', '--since', '24h'], {
        env: { ...process.env, DOCKET_URL: served.url, DOCKET_TOKEN: TEST_TOKENS.admin },
      });
      assert.match(stdout, /cost/i);
      assert.match(stdout, /p95/i);
      const samples = await run(process.execPath, ['bin/docket.js', 'samples', '--failures', '--json'], {
        env: { ...process.env, DOCKET_URL: served.url, DOCKET_TOKEN: TEST_TOKENS.admin },
      });
      assert.equal((JSON.parse(samples.stdout) as { samples: unknown[] }).samples.length, 1);
    } finally {
      await served.close();
    }
  });

  it('never writes an API key or document text to the logs, even at debug level and on failures', async () => {
    const secretKey = 'sk-live-THIS-KEY-MUST-NOT-LEAK-0123456789';
    const secretText = 'CONFIDENTIAL-MERGER-PLAN-ZX81 the contract clause';
    // Only the worker process under test may pick up this document.
    inProcess.shutdown();
    await inProcess.done;
    const childEnv = { ...env.childEnv, OPENAI_API_KEY: secretKey, DOCKET_LOG_LEVEL: 'debug', PORT: '0' };
    const worker = spawnTs('src/worker.ts', [], childEnv);
    const server = spawnTs('src/api/server.ts', [], childEnv);
    try {
      await worker.waitForOutput(/worker started/);
      const [, url] = await server.waitForOutput(/"url":"(http:[^"]+)"/);
      env.sim.addRule({ match: 'CONFIDENTIAL-MERGER', faults: ['invalid_json', 'unauthorized'] });
      const post = (body: unknown, contentType = 'application/json') =>
        fetch(`${url}/v1/documents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_TOKENS.submitter}`, 'content-type': contentType },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
      assert.equal((await post({ id: 'leak-1', text: secretText })).status, 202);
      assert.equal((await post(`{"id":"leak-2","text":"${secretText}`)).status, 400);
      assert.equal((await post(secretText, 'text/plain')).status, 415);
      await api.waitForStatus('leak-1', 'paused');
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      worker.child.kill('SIGTERM');
      server.child.kill('SIGTERM');
      await Promise.all([worker.exited, server.exited]);
    }
    const logs = worker.output() + server.output();
    assert.match(logs, /invalid output/, 'the failures were logged');
    assert.match(logs, /"documentId":"leak-1"/, 'with the document id');
    assert.ok(!logs.includes(secretKey), 'the API key reached the logs');
    assert.ok(!logs.includes('CONFIDENTIAL-MERGER-PLAN'), 'document text reached the logs');
    assert.ok(!logs.includes(TEST_TOKENS.submitter), 'a bearer token reached the logs');
  });
});

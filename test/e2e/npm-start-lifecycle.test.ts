import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { prepareDevRun, processesMentioning, type DevRun } from '../helpers/npm-start.js';
import { waitFor } from '../helpers/wait.js';

describe('npm start: taken ports and Ctrl-C', () => {
  let run: DevRun;
  before(async () => {
    run = await prepareDevRun('docket-life-');
  });
  after(() => run.cleanUp());

  it('names a port another program holds, with its variable, before starting anything', async () => {
    const holder: Server = createServer();
    const apiPort = Number(run.env.PORT);
    await new Promise<void>((resolve) => holder.listen(apiPort, '127.0.0.1', resolve));
    try {
      const dev = run.npmStart();
      assert.equal((await dev.exited).code, 1);
      assert.match(
        dev.output(),
        new RegExp(`127\\.0\\.0\\.1:${apiPort}\\s+\\(API, PORT\\): held by pid ${process.pid}`),
      );
      assert.match(dev.output(), /Stop the program that holds it, or choose other ports/);
      assert.doesNotMatch(dev.output(), /\n\s+at /, 'no stack trace');
      assert.deepEqual(processesMentioning(run.dataDir), [], 'nothing was started');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('says Docket is already running when a second npm start meets the first; Ctrl-C drains the call in flight, stops in order and exits 0', async () => {
    const dev = await run.started();
    const second = run.npmStart();
    assert.equal((await second.exited).code, 1);
    const pid = run.docketPid();
    assert.match(second.output(), /DOCKET_DEV_TEMPORAL_PORT/);
    assert.match(
      second.output(),
      new RegExp(`Docket is already running \\(pid ${pid}, API ${run.api}\\).*kill ${pid}`),
    );
    assert.doesNotMatch(second.output(), /Address already in use|\n\s+at /);
    assert.equal((await fetch(`${run.api}/healthz`)).status, 200, 'the first one is untouched');

    const simulator = /LLM\s+(http:\/\/[^\s]+)\/v1 \(simulator\)/.exec(dev.output())?.[1];
    assert.ok(simulator);
    await fetch(`${simulator}/_sim/profile`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: { min: 4000, max: 4000 } }),
    });
    // An expected outcome (exhausted quota: the document pauses for an operator) is one log line, no stack trace.
    await fetch(`${simulator}/_sim/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: 'quota-1', faults: ['insufficient_quota'] }),
    });
    assert.equal((await run.call('/v1/documents', { id: 'quota-1', text: 'quota-1 an invoice' })).status, 202);
    await waitFor(
      async () => (await (await run.call('/v1/documents/quota-1')).json()) as { status: string },
      (d) => d.status === 'paused',
    );
    await waitFor(
      async () => dev.output(),
      (o) => /WARN .*Activity failed: DocketInsufficientQuota/.test(o),
    );
    assert.doesNotMatch(dev.output(), /\n\s+at /, 'no stack trace for an expected outcome');

    const text = 'drain-1 our quarterly revenue grew';
    assert.equal((await run.call('/v1/documents', { id: 'drain-1', text })).status, 202);
    await waitFor(
      async () => (await (await fetch(`${simulator}/_sim/requests?match=drain-1`)).json()) as unknown[],
      (r) => r.length === 1,
    );
    dev.ctrlC();
    const { code } = await dev.exited;
    const out = dev.output();
    assert.equal(code, 0, out.slice(-2000));
    const order = ['API stopped', 'worker stopped', 'Temporal dev server stopped', 'stopped.'].map((l) =>
      out.indexOf(l),
    );
    assert.ok(
      order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
      `in order: ${out.slice(-800)}`,
    );
    assert.doesNotMatch(out, /TransportError|tonic/, 'no gRPC retry noise');
    assert.ok(!out.includes('\u001b['), 'no colours');
    assert.doesNotMatch(out, /No workflows registered/);
    await run.noProcessLeft();

    const restarted = await run.started();
    try {
      const doc = await waitFor(
        async () => (await (await run.call('/v1/documents/drain-1')).json()) as { status: string; calls: number },
        (d) => d.status === 'completed',
      );
      assert.equal(doc.calls, 1, 'the call in flight was drained and recorded, not aborted and paid again');
      const home = await fetch(`${run.api}/`);
      assert.equal(home.status, 200);
      const links = await home.text();
      const expected = ['/review', '/openapi.json', '/healthz', `http://127.0.0.1:${run.env.DOCKET_DEV_UI_PORT}`];
      for (const href of [...expected, `http://${run.env.DOCKET_METRICS_ADDRESS}/metrics`]) {
        assert.ok(links.includes(`href="${href}`), `GET / links ${href}`);
      }
    } finally {
      restarted.ctrlC();
      assert.equal((await restarted.exited).code, 0);
      await run.noProcessLeft();
    }
  });
});

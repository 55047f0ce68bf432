import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/browser.js';
import { spawnTs, type Spawned } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** Every process whose command line mentions `marker` (the data directory of this run). */
function processesMentioning(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

describe('npm start (docket dev)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let api: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'docket-dev-'));
    const [port, temporalPort, uiPort, metricsPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    api = `http://127.0.0.1:${port}`;
    // No DATABASE_URL, no OPENAI_*, no TEMPORAL_ADDRESS: everything embedded.
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DOCKET_DATA_DIR: dataDir,
      PORT: String(port),
      DOCKET_DEV_TEMPORAL_PORT: String(temporalPort),
      DOCKET_DEV_UI_PORT: String(uiPort),
      DOCKET_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
    };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(): Promise<Spawned> {
    const dev = spawnTs('src/cli.ts', ['dev'], env);
    await dev.waitForOutput(/Docket is running/, 90_000);
    return dev;
  }
  async function stop(dev: Spawned, signal: NodeJS.Signals): Promise<void> {
    dev.child.kill(signal);
    const { code } = await dev.exited;
    assert.equal(code, 0, dev.output().slice(-2000));
    await waitFor(
      async () => processesMentioning(dataDir),
      (p) => p.length === 0,
      { timeoutMs: 15_000 },
    );
  }
  const tokens = () => JSON.parse(readFileSync(join(dataDir, 'dev-tokens.json'), 'utf8')) as Record<string, string>;
  const call = async (path: string, role: string, body?: unknown) =>
    fetch(`${api}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${tokens()[role]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('classifies with no key and no service, stops cleanly on Ctrl-C, and resumes unfinished work after a restart', async () => {
    const first = await start();
    const banner = first.output();
    assert.match(banner, /RESULTS ARE SIMULATED/);
    assert.match(banner, /Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.match(banner, /submitter\s+dev-submitter-/);
    assert.equal((await fetch(`${api}/healthz`)).status, 200);

    assert.equal(
      (await call('/v1/documents', 'submitter', { id: 'dev-1', text: 'our quarterly revenue grew' })).status,
      202,
    );
    const done = await waitFor(
      async () =>
        (await (await call('/v1/documents/dev-1', 'submitter')).json()) as {
          status: string;
          result?: { category: string };
        },
      (d) => d.status === 'completed',
    );
    assert.equal(done.result?.category, 'business');

    // A document left waiting for a person when Docket stops.
    const simulatorUrl = /LLM\s+(http:\/\/[^\s]+)\/v1 \(simulator\)/.exec(banner)?.[1];
    assert.ok(simulatorUrl);
    await fetch(`${simulatorUrl}/_sim/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: 'dev-2', faults: [{ kind: 'low_confidence', confidence: 0.2 }] }),
    });
    await call('/v1/documents', 'submitter', { id: 'dev-2', text: 'dev-2 the contract clause' });
    await waitFor(
      async () => (await (await call('/v1/documents/dev-2', 'submitter')).json()) as { status: string },
      (d) => d.status === 'pending_review',
    );
    await stop(first, 'SIGINT');

    const second = await start();
    const pending = (await (await call('/v1/documents/dev-2', 'submitter')).json()) as { status: string };
    assert.equal(pending.status, 'pending_review', 'the waiting document survived the restart');
    const decided = await call('/v1/documents/dev-2/review', 'reviewer', { category: 'legal' });
    assert.equal(decided.status, 200);
    assert.equal(((await decided.json()) as { result: { reviewer: string } }).result.reviewer, 'dev-reviewer');
    await stop(second, 'SIGTERM');
  });
});

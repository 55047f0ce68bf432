import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { derivedDocumentId } from '../../src/documents/submit.js';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import { derivedId } from '../../src/cli/known-documents.js';
import { DocketClient } from '../../src/client/docket-client.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'docket.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The first hour of a new user (issue 15): where the CLI finds its tokens, its words, what it skips, a paged queue.
describe('the docket CLI for a newcomer', () => {
  let env: DocketTestEnv;
  let api: RunningApi;
  let cwd: string;
  const run = randomUUID().slice(0, 8);
  const marker = (name: string) => `[${name}-${run}]`;

  before(async () => {
    env = await startDocket();
    api = await startApi(
      { pool: env.pool, client: env.client, config: env.config, logger: env.logger },
      { host: '127.0.0.1', port: 0 },
    );
    cwd = await mkdtemp(join(tmpdir(), 'docket-cli-'));
    await mkdir(join(cwd, '.data'));
    await writeFile(join(cwd, '.data', 'dev-tokens.json'), JSON.stringify(TEST_TOKENS));
  });
  after(async () => {
    await api.close();
    await env.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  /** Runs `node bin/docket.js ...args` in `options.cwd` (default: the temporary project folder). */
  const docket = (args: string[], options: { cwd?: string } = {}): Promise<Run> => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DOCKET_URL: api.url };
    for (const name of ['DOCKET_TOKEN', 'PORT', 'DOCKET_DATA_DIR', 'NODE_TEST_CONTEXT']) delete childEnv[name];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? cwd, env: childEnv, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  };
  const expectExit = (result: Run, code: number) =>
    assert.equal(result.code, code, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  const write = async (name: string, text: string | Buffer) => {
    const path = join(cwd, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    return name;
  };

  it('finds the dev tokens from a subfolder of the project, and says where it looked outside any', async () => {
    const sub = join(cwd, 'notes', 'drafts');
    await mkdir(sub, { recursive: true });
    const fromSubfolder = await docket(['reviews'], { cwd: sub });
    expectExit(fromSubfolder, 0);
    const outside = await mkdtemp(join(tmpdir(), 'docket-elsewhere-'));
    try {
      const lost = await docket(['reviews'], { cwd: outside });
      expectExit(lost, 2);
      assert.match(lost.stderr, /no \.data\/dev-tokens\.json in .*docket-elsewhere-.* or any folder above it/);
      assert.match(lost.stderr, /inside the Docket project folder/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('names canary flags and commands, not API fields and routes, in canary errors', async () => {
    const noCandidate = await docket(['canary', 'start', '--share', '0.1']);
    expectExit(noCandidate, 2);
    assert.match(noCandidate.stderr, /--prompt <version>, --model <model>, or both/);
    const unknown = await docket(['canary', 'start', '--share', '0.1', '--prompt', 'no-such-prompt']);
    expectExit(unknown, 1);
    assert.match(unknown.stderr, /--prompt: unknown prompt version "no-such-prompt"/);
    const report = await docket(['canary', 'report']);
    expectExit(report, 1);
    assert.match(report.stderr, /docket canary start/);
    assert.doesNotMatch(`${noCandidate.stderr}${unknown.stderr}${report.stderr}`, /POST \/v1|promptVersion/);
  });

  it('names the non-text files compare skips, as submit does', async () => {
    await write('pictures/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    const result = await docket(['compare', 'pictures', '--b-model', 'gpt-4.1-mini']);
    expectExit(result, 1);
    assert.match(result.stderr, /skipped pictures\/logo\.png: /);
    assert.match(result.stderr, /nothing to compare/);
  });

  it('does not start a new batch for a folder submitted again: already classified documents are named as such', async () => {
    await write('again/a.txt', `Kubernetes node pressure ${marker('again')}`);
    await write('again/b.txt', `Quarterly revenue grew ${marker('again')}`);
    const first = await docket(['submit', 'again', '--wait', '--poll-interval', '100']);
    expectExit(first, 0);
    assert.match(first.stdout, /^Batch /m);

    const second = await docket(['submit', 'again']);
    expectExit(second, 0);
    assert.match(second.stderr, /2 already classified \(same content as before\): not submitted again/);
    assert.match(second.stdout, /Nothing new to submit\./);
    assert.doesNotMatch(second.stdout, /accepted|batch/);
    assert.match(second.stdout, /^doc-[0-9a-f]{32} {2}completed {2}\(again\/a\.txt\)$/m);

    await write('again/c.txt', `A new clause on liability ${marker('again')}`);
    const third = await docket(['submit', 'again', '--json']);
    expectExit(third, 0);
    const body = JSON.parse(third.stdout) as { known: string[]; documents: { source: string; status?: string }[] };
    assert.equal(body.known.length, 2);
    assert.deepEqual(body.documents.map((d) => d.source).sort(), ['again/a.txt', 'again/b.txt', 'again/c.txt']);
    await waitFor(
      async () => env.sim.requestsMatching(marker('again')).length,
      (n) => n === 3,
    );
    assert.equal(env.sim.requestsMatching(marker('again')).length, 3, 'one call per distinct document, ever');
    assert.equal(derivedId('some text', 'default'), derivedDocumentId('some text', 'default'));
  });

  it('pages the review queue with excerpts, the whole text one request away', async () => {
    env.sim.addRule({ match: marker('paged'), faults: ['low_confidence'], repeat: true });
    const submitter = new DocketClient({ baseUrl: api.url, token: TEST_TOKENS.submitter });
    const reviewer = new DocketClient({ baseUrl: api.url, token: TEST_TOKENS.reviewer });
    const long = `${marker('paged')} ${'A long memo about several things. '.repeat(40)}THE END`;
    const ids = [`paged-a-${run}`, `paged-b-${run}`, `paged-c-${run}`];
    for (const id of ids) await submitter.submit({ id, text: id === ids[0] ? long : `${id} ${marker('paged')}` });
    await waitFor(
      async () => Promise.all(ids.map(async (id) => (await submitter.get(id)).status)),
      (statuses) => statuses.every((s) => s === 'pending_review'),
    );

    const seen: string[] = [];
    let total = 0;
    for (let offset: number | undefined = 0; offset !== undefined;) {
      const page = await reviewer.reviewQueue({ limit: 1, offset });
      assert.ok(page.reviews.length <= 1);
      assert.equal(page.reviewer.name, 'ann');
      seen.push(...page.reviews.map((r) => r.id));
      total = page.total;
      offset = page.nextOffset;
    }
    assert.equal(seen.length, total);
    assert.deepEqual(
      ids.map((id) => seen.filter((s) => s === id).length),
      [1, 1, 1],
    );
    const first = (await reviewer.reviews()).find((r) => r.id === ids[0]);
    assert.equal(first?.excerpt.length, 500);
    assert.equal(first?.textLength, long.length);
    assert.equal((await reviewer.documentText(ids[0]!)).text, long);
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'limit=ten']) {
      await assert.rejects(
        reviewer.reviewQueue(Object.fromEntries(new URLSearchParams(query)) as never),
        { status: 400 },
        query,
      );
    }
  });
});

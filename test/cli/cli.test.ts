import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import { DocketApiError, DocketClient, type DocumentView } from '../../src/client/docket-client.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'docket.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the docket CLI', () => {
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
    // No DOCKET_TOKEN: the CLI picks the token of each command's role from npm start's dev tokens file.
    cwd = await mkdtemp(join(tmpdir(), 'docket-cli-'));
    await mkdir(join(cwd, '.data'));
    await writeFile(join(cwd, '.data', 'dev-tokens.json'), JSON.stringify(TEST_TOKENS));
  });
  after(async () => {
    await api.close();
    await env.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  /** Runs `node bin/docket.js ...args` in the temporary working directory. */
  const docket = (
    args: string[],
    options: { input?: string; env?: Record<string, string>; cwd?: string } = {},
  ): Promise<Run> => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DOCKET_URL: api.url, ...options.env };
    for (const name of ['DOCKET_TOKEN', 'PORT', 'DOCKET_DATA_DIR', 'NODE_TEST_CONTEXT']) {
      if (!options.env?.[name]) delete childEnv[name];
    }
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? cwd, env: childEnv, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(options.input ?? '');
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
  const fast = ['--poll-interval', '100'];

  describe('usage', () => {
    it('prints help for the program and every command and exits 0', async () => {
      const top = await docket(['--help']);
      expectExit(top, 0);
      assert.match(top.stdout, /Usage: docket/);
      assert.match(top.stdout, /Exit codes:[\s\S]*3 {2}--wait ended with documents pending review or paused/);
      assert.match(top.stdout, /DOCKET_URL[\s\S]*DOCKET_TOKEN/);
      for (const command of ['submit', 'status', 'batch', 'reviews', 'review', 'resume', 'dev']) {
        const result = await docket([command, '--help']);
        expectExit(result, 0);
        assert.match(result.stdout, new RegExp(`Usage: docket ${command}`));
        if (command !== 'dev') assert.match(result.stdout, /--json/);
      }
    });

    it('exits 2 on usage errors, naming what is wrong', async () => {
      const cases: [string[], RegExp][] = [
        [['frobnicate'], /unknown command/],
        [['status'], /missing required argument/],
        [['submit', 'x.txt', '--bogus'], /unknown option/],
        [['review', 'some-id'], /--category/],
        [['submit'], /nothing to submit/],
        [['resume'], /--all/],
        [['resume', 'some-id', '--all'], /not both/],
        [['submit', 'x.txt', '--batch-size', '0'], /positive integer/],
        [['submit', 'a.txt', '--id', 'x', '--id-from-path'], /either --id or --id-from-path/],
      ];
      for (const [args, message] of cases) {
        const result = await docket(args);
        expectExit(result, 2);
        assert.match(result.stderr, message, args.join(' '));
      }
    });

    it('exits 2 without any token, and 1 with the API unreachable', async () => {
      const noToken = await docket(['status', 'x'], { env: { DOCKET_DATA_DIR: 'nowhere' } });
      expectExit(noToken, 2);
      assert.match(
        noToken.stderr,
        /no API token \(no nowhere\/dev-tokens\.json in .* or any folder above it\): set DOCKET_TOKEN/,
      );
      const unreachable = await docket(['status', 'x', '--url', 'http://127.0.0.1:9']);
      expectExit(unreachable, 1);
      assert.match(unreachable.stderr, /cannot reach the Docket API[\s\S]*npm start/);
    });
  });

  describe('submit and status', () => {
    it('submits a file with --wait, prints its category and exits 0', async () => {
      const file = await write('contract.txt', `This agreement limits the liability of each party. ${marker('file')}`);
      const result = await docket(['submit', file, '--wait', ...fast]);
      expectExit(result, 0);
      assert.match(result.stdout, /completed {2}legal \(confidence [0-9.]+, decided by model gpt-4o-mini\)/);
      assert.match(result.stdout, /1 document: 1 completed \(legal 1\)/);
      assert.equal(env.sim.requestsMatching(marker('file')).length, 1);
    });

    it('prints JSON that parses with --json, and shows the document with status', async () => {
      const file = await write('ops.txt', `The API server crashed after the deploy. ${marker('json')}`);
      const submitted = await docket(['submit', file, '--json']);
      expectExit(submitted, 0);
      const body = JSON.parse(submitted.stdout) as { documents: { id: string; source: string; status: string }[] };
      assert.equal(body.documents.length, 1);
      const id = body.documents[0]?.id ?? '';
      assert.match(id, /^doc-[0-9a-f]{32}$/);
      assert.equal(body.documents[0]?.source, 'ops.txt');

      const waited = await docket(['status', id, '--wait', '--json', ...fast]);
      expectExit(waited, 0);
      const status = JSON.parse(waited.stdout) as { documents: DocumentView[] };
      assert.equal(status.documents[0]?.status, 'completed');
      assert.equal(status.documents[0]?.result?.category, 'technical');

      const readable = await docket(['status', id]);
      expectExit(readable, 0);
      assert.match(readable.stdout, new RegExp(`^${id} {2}completed {2}technical`));
      assert.match(readable.stdout, /1 call, \$/);
    });

    it('exits 1 for an unknown id in status, still showing the known ones', async () => {
      const known = await docket(['submit', '-', '--id', `known-${run}`, '--wait', ...fast], {
        input: 'Revenue grew this quarter.',
      });
      expectExit(known, 0);
      const result = await docket(['status', `known-${run}`, `missing-${run}`]);
      expectExit(result, 1);
      assert.match(result.stdout, new RegExp(`known-${run} {2}completed`));
      assert.match(result.stderr, new RegExp(`missing-${run}: no document`));
    });

    it('submits stdin with -, under the id given', async () => {
      const result = await docket(['submit', '-', '--id', `stdin-${run}`, '--wait', ...fast], {
        input: `Our brand campaign and the social ads launch. ${marker('stdin')}`,
      });
      expectExit(result, 0);
      assert.match(result.stdout, new RegExp(`^stdin-${run} {2}completed {2}marketing`, 'm'));
      const { rows } = await env.pool.query('SELECT text FROM documents WHERE id = $1', [`stdin-${run}`]);
      assert.equal(rows[0]?.text, `Our brand campaign and the social ads launch. ${marker('stdin')}`);
    });

    it('submits a JSON Lines file through a batch, keeping ids and metadata', async () => {
      const lines = [
        { id: `jsonl-a-${run}`, text: `Kubernetes memory limits ${marker('jsonl')}`, metadata: { team: 'ops' } },
        { text: `The contract clause on indemnity ${marker('jsonl')}` },
        { text: `Quarterly revenue and profit margin ${marker('jsonl')}` },
      ];
      const file = await write('docs.jsonl', `${lines.map((l) => JSON.stringify(l)).join('\n')}\n\n`);
      const result = await docket(['submit', '--jsonl', file, '--wait', '--json', ...fast]);
      expectExit(result, 0);
      const body = JSON.parse(result.stdout) as {
        documents: (DocumentView & { source: string; batchId: string })[];
        batches: string[];
        summary: { documents: number; counts: Record<string, number> };
      };
      assert.equal(body.batches.length, 1);
      assert.deepEqual(
        body.documents.map((d) => [d.source, d.status, d.result?.category]),
        [
          ['docs.jsonl:1', 'completed', 'technical'],
          ['docs.jsonl:2', 'completed', 'legal'],
          ['docs.jsonl:3', 'completed', 'business'],
        ],
      );
      assert.equal(body.documents[0]?.id, `jsonl-a-${run}`);
      assert.equal(body.summary.counts.completed, 3);
      const { rows } = await env.pool.query('SELECT metadata, batch_id FROM documents WHERE id = $1', [
        `jsonl-a-${run}`,
      ]);
      assert.deepEqual(rows[0], { metadata: { team: 'ops' }, batch_id: body.batches[0] });
    });

    it('submits a folder recursively, skipping hidden and binary files, with ids from paths', async () => {
      await write('inbox/a.txt', `Server outage postmortem ${marker('folder')}`);
      await write('inbox/nested/b.md', `Sales forecast and pricing ${marker('folder')}`);
      await write('inbox/.hidden.txt', 'not submitted');
      await write('inbox/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
      const result = await docket(['submit', 'inbox', '--id-from-path', '--wait', ...fast]);
      expectExit(result, 0);
      assert.match(result.stderr, /skipped inbox\/logo\.png: /);
      assert.match(result.stdout, /^inbox:a\.txt {2}completed {2}technical/m);
      assert.match(result.stdout, /^inbox:nested:b\.md {2}completed {2}business/m);
      assert.match(result.stdout, /2 documents: 2 completed/);
      const batchId = /^Batch ([0-9a-f-]{36})$/m.exec(result.stdout)?.[1];
      assert.ok(batchId, result.stdout);
      assert.match(result.stdout, new RegExp(`See again with: docket batch ${batchId}`));
      assert.equal(env.sim.requestsMatching('not submitted').length, 0);

      await write('inbox2/c.txt', `Invoice overdue ${marker('folder-nowait')}`);
      await write('inbox2/d.txt', `Database backup failed ${marker('folder-nowait')}`);
      const submitted = await docket(['submit', 'inbox2']);
      expectExit(submitted, 0);
      const id = /^Submitted 2 documents in batch ([0-9a-f-]{36})\.$/m.exec(submitted.stdout)?.[1];
      assert.ok(id, submitted.stdout);
      assert.match(submitted.stdout, new RegExp(`Follow with: docket batch ${id}`));
      expectExit(await docket(['batch', id]), 0);
    });

    it('names the document a batch was refused for, submits the others, and exits 1', async () => {
      await docket(['submit', '-', '--id', `taken-${run}`], { input: 'The original text.' });
      const lines = [
        { id: `ok-1-${run}`, text: `Database latency ${marker('refused')}` },
        { id: `taken-${run}`, text: 'Changed text under a taken id.' },
        { id: `ok-2-${run}`, text: `Legal compliance review ${marker('refused')}` },
      ];
      const file = await write('refused.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
      const result = await docket(['submit', '--jsonl', file, '--json']);
      expectExit(result, 1);
      assert.match(
        result.stderr,
        new RegExp(`rejected refused\\.jsonl:2: document taken-${run} already exists with different text`),
      );
      const body = JSON.parse(result.stdout) as {
        documents: { id: string }[];
        rejected: { source: string; code: string }[];
      };
      assert.deepEqual(body.documents.map((d) => d.id).sort(), [`ok-1-${run}`, `ok-2-${run}`]);
      assert.deepEqual(body.rejected, [
        {
          source: 'refused.jsonl:2',
          id: `taken-${run}`,
          status: 409,
          code: 'conflict',
          message: `document taken-${run} already exists with different text; submit it under a new id`,
        },
      ]);
    });

    it('refuses unreadable input before submitting anything, exiting 1', async () => {
      const empty = await write('empty.txt', '  \n');
      const result = await docket(['submit', empty]);
      expectExit(result, 1);
      assert.match(result.stderr, /empty\.txt: empty/);
      const badJsonl = await write('bad.jsonl', '{"text": "fine"}\n{"text": 42}\n');
      const jsonl = await docket(['submit', '--jsonl', badJsonl]);
      expectExit(jsonl, 1);
      assert.match(jsonl.stderr, /bad\.jsonl:2: "text" must be a string/);
      assert.equal(env.sim.requestsMatching('fine').length, 0);
    });
  });

  describe('reviews and pauses', () => {
    it('lists a low-confidence document in reviews, decides it with review, and status shows the human reviewer', async () => {
      env.sim.addRule({ match: marker('review'), faults: ['low_confidence'] });
      const file = await write('memo.txt', `A memo that mentions many things at once. ${marker('review')}`);
      const submitted = await docket(['submit', file, '--id', `memo-${run}`, '--wait', ...fast]);
      expectExit(submitted, 3);
      assert.match(submitted.stdout, new RegExp(`memo-${run} {2}pending_review {2}reason low_confidence`));

      const reviews = await docket(['reviews']);
      expectExit(reviews, 0);
      // Named by its file (the metadata submit sends), the id beside it.
      assert.match(reviews.stdout, new RegExp(`^memo\\.txt {2}\\(memo-${run}\\) {2}low_confidence`, 'm'));
      const json = JSON.parse((await docket(['reviews', '--json'])).stdout) as { reviews: Record<string, unknown>[] };
      const item = json.reviews.find((r) => r.id === `memo-${run}`);
      assert.ok(item);
      assert.equal(item.text, undefined, 'documents are never printed whole');
      assert.match(String(item.excerpt), /A memo that mentions/);

      const asSubmitter = await docket(['reviews', '--token', TEST_TOKENS.submitter]);
      expectExit(asSubmitter, 1);
      assert.match(asSubmitter.stderr, /needs the reviewer role/);
      assert.ok(
        !asSubmitter.stderr.includes(TEST_TOKENS.submitter) && !asSubmitter.stdout.includes(TEST_TOKENS.submitter),
      );

      const decided = await docket(['review', `memo-${run}`, '--category', 'legal', '--note', 'an NDA in disguise']);
      expectExit(decided, 0);
      assert.match(decided.stdout, /completed {2}legal/);

      const status = await docket(['status', `memo-${run}`]);
      expectExit(status, 0);
      assert.match(status.stdout, /legal \(confidence 1\.00, decided by human \(ann\)\)/);
      const view = (
        JSON.parse((await docket(['status', `memo-${run}`, '--json'])).stdout) as { documents: DocumentView[] }
      ).documents[0];
      assert.equal(view?.result?.decidedBy, 'human');
      assert.equal(view?.result?.reviewer, 'ann');

      const again = await docket(['review', `memo-${run}`, '--category', 'other', '--json']);
      expectExit(again, 1);
      assert.equal((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'conflict');
    });

    it('exits 3 for a paused document, and resume lets it complete', async () => {
      const none = await docket(['resume', '--all', '--json']);
      expectExit(none, 0);
      assert.deepEqual(JSON.parse(none.stdout), { resumed: [] });

      env.sim.addRule({ match: marker('pause'), faults: ['insufficient_quota'] });
      const id = `pause-${run}`;
      const submitted = await docket(['submit', '-', '--id', id, '--wait', ...fast], {
        input: `Customer growth strategy ${marker('pause')}`,
      });
      expectExit(submitted, 3);
      assert.match(submitted.stdout, new RegExp(`${id} {2}paused {2}reason quota_exhausted`));

      const resumed = await docket(['resume', id]);
      expectExit(resumed, 0);
      assert.match(resumed.stdout, new RegExp(`Resumed 1 document: ${id}`));
      const done = await docket(['status', id, '--wait', ...fast]);
      expectExit(done, 0);
      assert.match(done.stdout, /completed {2}business/);
    });
  });

  describe('through a running API server process', () => {
    it('submits and waits with DocketClient, and reports API errors as DocketApiError', async () => {
      const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/api/server.ts')], {
        cwd: ROOT,
        env: { ...process.env, ...env.childEnv, PORT: '0', HOST: '127.0.0.1', DOCKET_LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          const lines = createInterface({ input: server.stdout });
          lines.on('line', (line) => {
            try {
              const entry = JSON.parse(line) as { msg?: string; url?: string };
              if (entry.msg === 'API listening' && entry.url) resolve(entry.url);
            } catch {
              // Not a log line.
            }
          });
          server.once('exit', (code) => reject(new Error(`the API server exited with ${code} before listening`)));
        });

        const client = new DocketClient({ baseUrl: url, token: TEST_TOKENS.submitter });
        const { provider, ...checks } = await client.health();
        assert.deepEqual(checks, { status: 'ok', database: 'ok', temporal: 'ok' });
        assert.equal(provider?.breaker, 'closed');
        const accepted = await client.submit({
          id: `client-${run}`,
          text: `Court ruling on the GDPR breach ${marker('client')}`,
        });
        assert.deepEqual(accepted, { id: `client-${run}`, status: 'classifying' });
        const doc = await client.waitForResult(accepted.id, { timeoutMs: 30_000, intervalMs: 100 });
        assert.equal(doc.status, 'completed');
        assert.equal(doc.result?.category, 'legal');

        const batch = await client.submitBatch([
          { text: `Docker cache layers ${marker('client')}` },
          { id: `client-b-${run}`, text: 'Advertising spend on the newsletter' },
        ]);
        assert.equal(batch.ids.length, 2);
        assert.equal(batch.ids[1], `client-b-${run}`);
        const results = await Promise.all(
          batch.ids.map((id) => client.waitForResult(id, { timeoutMs: 30_000, intervalMs: 100 })),
        );
        assert.deepEqual(
          results.map((r) => r.result?.category),
          ['technical', 'marketing'],
        );
        assert.equal((await client.batch(batch.batchId)).counts.completed, 2);

        await assert.rejects(client.get(`missing-${run}`), (err: unknown) => {
          assert.ok(err instanceof DocketApiError);
          assert.equal(err.status, 404);
          assert.equal(err.code, 'not_found');
          return true;
        });
        await assert.rejects(client.reviews(), { name: 'DocketApiError', status: 403, code: 'forbidden' });
        const stranger = new DocketClient({ baseUrl: url, token: 'not-a-real-token-0123456789' });
        await assert.rejects(stranger.get(accepted.id), { name: 'DocketApiError', status: 401, code: 'unauthorized' });
        await assert.rejects(client.submit({ text: '' }), { status: 400, code: 'bad_request' });
      } finally {
        server.kill('SIGTERM');
        if (server.exitCode === null) await new Promise((resolve) => server.once('exit', resolve));
      }
    });
  });
});

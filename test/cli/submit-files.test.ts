import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { startApi, type RunningApi } from '../../src/api/serve.js';
import { derivedFileDocumentId } from '../../src/documents/store-document-file.js';
import { batchWorkflowId, documentWorkflowId } from '../../src/shared/names.js';
import type { ClassifyBatchInput, ClassifyDocumentInput } from '../../src/shared/workflow-types.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { makeDocx, makeElf, makePng, makeTextPdf } from '../extraction/make-files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'docket.js');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface SubmitJson {
  documents: { source: string; id: string; batchId?: string }[];
  rejected: { source: string; status: number; message: string }[];
  skipped: { source: string; reason: string }[];
  batches: string[];
  known: string[];
}

/**
 * `docket submit` on files, as a real process against a running API, Temporal dev server and database. No worker
 * runs: what is asserted is what the API stored (files as files, text as text) and started (workflows with
 * fromFile), and what the command reports.
 */
describe('docket submit with files', () => {
  let env: DocketTestEnv;
  let api: RunningApi;
  let cwd: string;
  const run = randomUUID().slice(0, 8);

  before(async () => {
    env = await startDocket({ worker: false });
    api = await startApi(
      { pool: env.pool, client: env.client, config: env.config, logger: env.logger },
      { host: '127.0.0.1', port: 0 },
    );
    cwd = await mkdtemp(join(tmpdir(), 'docket-cli-files-'));
    await mkdir(join(cwd, '.data'));
    await writeFile(join(cwd, '.data', 'dev-tokens.json'), JSON.stringify(TEST_TOKENS));
  });
  after(async () => {
    await api.close();
    await env.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  const docket = (args: string[]): Promise<Run> => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DOCKET_URL: api.url };
    for (const name of ['DOCKET_TOKEN', 'PORT', 'DOCKET_DATA_DIR', 'NODE_TEST_CONTEXT']) delete childEnv[name];
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv, stdio: 'pipe' });
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
  const write = async (name: string, bytes: string | Uint8Array) => {
    const path = join(cwd, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, bytes);
    return bytes;
  };
  const stored = async (id: string) =>
    (
      await env.pool.query(
        `SELECT d.source, f.media_type, f.file_name FROM documents d
         LEFT JOIN document_files f ON f.document_id = d.id WHERE d.id = $1`,
        [id],
      )
    ).rows[0];
  const startInput = async <T>(workflowId: string): Promise<T> => {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    return decodeFromPayloadsAtIndex<T>(env.client.options.loadedDataConverter, 0, payloads);
  };
  const fileId = (bytes: Uint8Array) =>
    derivedFileDocumentId(createHash('sha256').update(bytes).digest('hex'), 'default');

  it('sends a folder: a PDF and a .docx as files in a batch, a .txt as text, an unsupported .bin reported', async () => {
    const pdf = await write('inbox/invoice.pdf', await makeTextPdf([`Invoice overdue ${run}`]));
    const docx = await write('inbox/nested/contract.docx', await makeDocx([`Service contract ${run}`]));
    await write('inbox/note.txt', `Server outage postmortem ${run}`);
    await write('inbox/tool.bin', makeElf());
    const result = await docket(['submit', 'inbox', '--json']);
    expectExit(result, 0);
    assert.match(result.stderr, /skipped inbox\/tool\.bin: unsupported file type .*; supported: PDF/);
    const body = JSON.parse(result.stdout) as SubmitJson;
    assert.deepEqual(
      body.skipped.map((s) => s.source),
      ['inbox/tool.bin'],
    );
    assert.deepEqual(body.rejected, []);
    const bySource = new Map(body.documents.map((d) => [d.source, d]));
    assert.deepEqual([...bySource.keys()].sort(), [
      'inbox/invoice.pdf',
      'inbox/nested/contract.docx',
      'inbox/note.txt',
    ]);

    const invoice = bySource.get('inbox/invoice.pdf');
    assert.equal(invoice?.id, fileId(pdf as Uint8Array));
    assert.deepEqual(await stored(invoice.id), {
      source: 'file',
      media_type: 'application/pdf',
      file_name: 'inbox/invoice.pdf',
    });
    const contract = bySource.get('inbox/nested/contract.docx');
    assert.equal(contract?.id, fileId(docx as Uint8Array));
    assert.equal((await stored(contract.id))?.media_type, DOCX);
    assert.equal(invoice.batchId, contract.batchId, 'the files went as one batch');
    assert.deepEqual(body.batches, [invoice.batchId]);
    const batch = await startInput<ClassifyBatchInput>(batchWorkflowId(invoice.batchId!));
    assert.equal(batch.document.fromFile, true);

    const note = bySource.get('inbox/note.txt');
    assert.deepEqual(await stored(note!.id), { source: 'text', media_type: null, file_name: null });
    assert.equal((await startInput<ClassifyDocumentInput>(documentWorkflowId(note!.id))).fromFile, undefined);

    const again = await docket(['submit', 'inbox', '--json']);
    expectExit(again, 0);
    const second = JSON.parse(again.stdout) as SubmitJson;
    assert.deepEqual(second.batches, [], 'nothing was sent again');
    assert.deepEqual(second.known.sort(), [invoice.id, contract.id, note!.id].sort());
    assert.match(again.stderr, /3 already classifying \(same content as before\): not submitted again/);
  });

  it('sends one file with --id as a file, and a glob of files', async () => {
    await write('receipt.png', await makePng([`Receipt ${run}`]));
    const one = await docket(['submit', 'receipt.png', '--id', `receipt-${run}`]);
    expectExit(one, 0);
    assert.match(one.stdout, new RegExp(`^receipt-${run} {2}classifying {2}\\(receipt\\.png\\)$`, 'm'));
    assert.deepEqual(await stored(`receipt-${run}`), {
      source: 'file',
      media_type: 'image/png',
      file_name: 'receipt.png',
    });
    const input = await startInput<ClassifyDocumentInput>(documentWorkflowId(`receipt-${run}`));
    assert.equal(input.fromFile, true);

    const a = await write('scans/2026/a.pdf', await makeTextPdf([`Scan A ${run}`]));
    await write('scans/2026/b.txt', `Scan note ${run}`);
    const globbed = await docket(['submit', 'scans/**/*.pdf', '--json']);
    expectExit(globbed, 0);
    const body = JSON.parse(globbed.stdout) as SubmitJson;
    assert.deepEqual(
      body.documents.map((d) => [d.source, d.id]),
      [['scans/2026/a.pdf', fileId(a as Uint8Array)]],
    );
  });

  it('reports a named file it cannot send with exit code 1, and still sends the rest, one by one with ids from paths', async () => {
    await write('mixed/tool', makeElf());
    await write('mixed/lease.pdf', await makeTextPdf([`Lease ${run}`]));
    await write('mixed/offer.docx', await makeDocx([`Offer letter ${run}`]));
    const result = await docket([
      'submit',
      'mixed/tool',
      'mixed/lease.pdf',
      'mixed/offer.docx',
      '--id-from-path',
      '--json',
    ]);
    expectExit(result, 1);
    assert.match(result.stderr, /skipped mixed\/tool: unsupported file type/);
    const body = JSON.parse(result.stdout) as SubmitJson;
    assert.deepEqual(body.documents.map((d) => d.id).sort(), ['mixed:lease.pdf', 'mixed:offer.docx']);
    assert.deepEqual(body.batches, [], 'files with ids of their own go one by one');
    assert.equal((await stored('mixed:offer.docx'))?.media_type, DOCX);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { createApp } from '../../src/api/app.js';
import { DocketClient } from '../../src/client/index.js';
import { batchWorkflowId, documentWorkflowId } from '../../src/shared/names.js';
import type { ClassifyBatchInput, ClassifyDocumentInput } from '../../src/shared/workflow-types.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { makeDocx, makeElf, makeEmail, makeHtmlPage, makePng, makeTextPdf, makeZip } from '../extraction/make-files.js';

const MAX_FILE_BYTES = 200_000;

interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * Files in at the API's edge: `POST /v1/documents` and `POST /v1/batches` as multipart/form-data, against a real
 * Temporal dev server and database. No worker runs: what is asserted is what a submission stores (the document, its
 * file row) and starts (one workflow per document, whose start input says `fromFile`), read back through Temporal.
 */
describe('submitting files as multipart/form-data', () => {
  let env: DocketTestEnv;
  let app: ReturnType<typeof createApp>;
  const run = randomUUID().slice(0, 8);

  before(async () => {
    env = await startDocket({ worker: false, env: { DOCKET_MAX_FILE_BYTES: String(MAX_FILE_BYTES) } });
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger: env.logger });
  });
  after(() => env.stop());

  type Part = { name: string; value: string } | { name: string; bytes: Uint8Array; fileName: string };
  const form = (parts: Part[]) => {
    const body = new FormData();
    for (const p of parts) {
      if ('value' in p) body.append(p.name, p.value);
      else body.append(p.name, new Blob([p.bytes as Uint8Array<ArrayBuffer>]), p.fileName);
    }
    return body;
  };
  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.submitter}`, ...headers },
      body,
    });
  const submitFile = (bytes: Uint8Array, fileName: string, fields: Record<string, string> = {}) =>
    post(
      '/v1/documents',
      form([{ name: 'file', bytes, fileName }, ...Object.entries(fields).map(([name, value]) => ({ name, value }))]),
    );

  /** The input the workflow of `documentId` was started with, decoded from its history's first event. */
  const startInput = async <T = ClassifyDocumentInput>(workflowId: string): Promise<T> => {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    return decodeFromPayloadsAtIndex<T>(env.client.options.loadedDataConverter, 0, payloads);
  };
  const executions = async (workflowId: string) =>
    (await env.client.workflow.count(`WorkflowId = '${workflowId}'`)).count;
  const fileRow = async (id: string) =>
    (
      await env.pool.query(
        `SELECT f.media_type, f.file_name, f.size_bytes, d.source, d.metadata, d.taxonomy
         FROM document_files f JOIN documents d ON d.id = f.document_id WHERE f.document_id = $1`,
        [id],
      )
    ).rows[0];

  it('stores a PDF with its fields and starts its workflow with fromFile, answering 202', async () => {
    const id = `pdf-${run}`;
    const pdf = await makeTextPdf(['Invoice 42: payment overdue']);
    const res = await submitFile(pdf, 'invoice.pdf', { id, metadata: '{"team":"billing"}', taxonomy: 'default' });
    assert.equal(res.status, 202, await res.clone().text());
    const body = (await res.json()) as { id: string; status: string };
    assert.deepEqual(body, { id, status: 'classifying' });
    assert.deepEqual(await fileRow(id), {
      media_type: 'application/pdf',
      file_name: 'invoice.pdf',
      size_bytes: pdf.length,
      source: 'file',
      metadata: { team: 'billing' },
      taxonomy: 'default',
    });
    const input = await startInput(documentWorkflowId(id));
    assert.equal(input.documentId, id);
    assert.equal(input.fromFile, true);
  });

  it('detects the type from the content, whatever the name says, and derives the id from the file', async () => {
    const docx = await makeDocx([`Employment contract ${run}`]);
    const res = await submitFile(docx, 'scan.pdf');
    assert.equal(res.status, 202, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    assert.match(id, /^doc-[0-9a-f]{32}$/);
    assert.equal(
      (await fileRow(id))?.media_type,
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    for (const [bytes, name, type] of [
      [makeHtmlPage(`Job posting ${run}`, ['Senior engineer']), 'job', 'text/html'],
      [
        await makeEmail({ from: 'a@example.com', subject: `Ticket ${run}`, text: 'My order is late' }),
        'mail.eml',
        'message/rfc822',
      ],
      [await makePng([`Receipt ${run}`]), 'receipt.png', 'image/png'],
    ] as const) {
      const answer = await submitFile(bytes, name);
      assert.equal(answer.status, 202, await answer.clone().text());
      assert.equal((await fileRow(((await answer.json()) as { id: string }).id))?.media_type, type, name);
    }
  });

  it('answers the same file again under the same id with the same document and one workflow', async () => {
    const id = `again-${run}`;
    const pdf = await makeTextPdf([`Lease agreement ${run}`]);
    const first = await submitFile(pdf, 'lease.pdf', { id });
    assert.equal(first.status, 202);
    const runId = (await env.client.workflow.getHandle(documentWorkflowId(id)).describe()).runId;
    const second = await submitFile(pdf, 'lease-copy.pdf', { id });
    assert.equal(second.status, 202, await second.clone().text());
    assert.equal(((await second.json()) as { id: string }).id, id);
    assert.equal((await env.client.workflow.getHandle(documentWorkflowId(id)).describe()).runId, runId);
    // Visibility may trail the start by a moment: wait until it lists the execution, then count.
    await waitFor(
      () => executions(documentWorkflowId(id)),
      (n) => n >= 1,
    );
    assert.equal(await executions(documentWorkflowId(id)), 1);
    assert.equal((await fileRow(id))?.file_name, 'lease.pdf', 'the stored file is the first one');
  });

  it('refuses a different file, or text, under an id that holds a file with 409', async () => {
    const id = `conflict-${run}`;
    assert.equal((await submitFile(await makeTextPdf(['first']), 'a.pdf', { id })).status, 202);
    const other = await submitFile(await makeTextPdf(['second']), 'b.pdf', { id });
    assert.equal(other.status, 409);
    const body = (await other.json()) as ErrorBody;
    assert.equal(body.error.code, 'conflict');
    assert.match(body.error.message, new RegExp(`document ${id} already exists with a different file`));
    const text = await post('/v1/documents', JSON.stringify({ id, text: 'some text' }), {
      'content-type': 'application/json',
    });
    assert.equal(text.status, 409);
  });

  it('refuses a file over DOCKET_MAX_FILE_BYTES with 413, by its size and by its announced length', async () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x61);
    const res = await submitFile(big, 'big.txt', { id: `big-${run}` });
    assert.equal(res.status, 413);
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.error.code, 'payload_too_large');
    assert.match(body.error.message, /DOCKET_MAX_FILE_BYTES/);
    const huge = await post('/v1/documents', new Uint8Array(10), {
      'content-type': 'multipart/form-data; boundary=x',
      'content-length': String(MAX_FILE_BYTES * 4),
    });
    assert.equal(huge.status, 413);
    assert.match(((await huge.json()) as ErrorBody).error.message, /DOCKET_MAX_FILE_BYTES/);
    const streamed = await post(
      '/v1/documents',
      form([{ name: 'file', bytes: new Uint8Array(MAX_FILE_BYTES * 2), fileName: 'x.bin' }]),
    );
    assert.equal(streamed.status, 413);
    assert.equal(await executions(documentWorkflowId(`big-${run}`)), 0);
  });

  it('refuses a type Docket does not read with 415, listing what it reads', async () => {
    for (const [bytes, name] of [
      [await makeZip(), 'archive.zip'],
      [makeElf(), 'program'],
      [new Uint8Array([0x00, 0x01, 0x02, 0xff, 0xfe]), 'data.bin'],
    ] as const) {
      const res = await submitFile(bytes, name);
      assert.equal(res.status, 415, name);
      const body = (await res.json()) as ErrorBody;
      assert.equal(body.error.code, 'unsupported_media_type');
      assert.match(body.error.message, new RegExp(`^${name.replace('.', '\\.')}: unsupported file type`));
      assert.match(body.error.message, /supported: PDF \(application\/pdf\), Word \.docx, HTML/);
    }
  });

  it('answers 400 saying what to fix for a missing file part, an empty file and bad fields', async () => {
    const cases: [FormData, RegExp][] = [
      [
        form([{ name: 'id', value: `nofile-${run}` }]),
        /^file is missing or is not a file: send the document as a multipart part named "file"/,
      ],
      [form([{ name: 'file', value: 'just text, no filename' }]), /^file is missing or is not a file/],
      [form([{ name: 'file', bytes: new Uint8Array(0), fileName: 'empty.pdf' }]), /the file "empty.pdf" is empty/],
      [
        form([
          { name: 'file', bytes: new Uint8Array([0x61]), fileName: 'a.txt' },
          { name: 'metadata', value: '{bad' },
        ]),
        /^metadata: the field is not valid JSON/,
      ],
      [
        form([
          { name: 'file', bytes: new Uint8Array([0x61]), fileName: 'a.txt' },
          { name: 'metadata', value: '[1]' },
        ]),
        /^metadata must be a JSON object/,
      ],
      [
        form([
          { name: 'file', bytes: new Uint8Array([0x61]), fileName: 'a.txt' },
          { name: 'id', value: 'bad id!' },
        ]),
        /^id may use letters, digits/,
      ],
      [
        form([
          { name: 'file', bytes: new Uint8Array([0x61]), fileName: 'a.txt' },
          { name: 'taxonomy', value: 'nope' },
        ]),
        /^unknown taxonomy "nope"/,
      ],
      [
        form([
          { name: 'file', bytes: new Uint8Array([0x61]), fileName: 'a.txt' },
          { name: 'text', value: 'x' },
        ]),
        /^unknown field "text"/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post('/v1/documents', body);
      const answer = (await res.json()) as ErrorBody;
      assert.equal(res.status, 400, JSON.stringify(answer));
      assert.equal(answer.error.code, 'bad_request');
      assert.match(answer.error.message, message);
    }
    assert.equal(await executions(documentWorkflowId(`nofile-${run}`)), 0);
    const noBoundary = await post('/v1/documents', 'file=x', { 'content-type': 'multipart/form-data' });
    assert.equal(noBoundary.status, 400);
    assert.match(((await noBoundary.json()) as ErrorBody).error.message, /has no boundary/);
    const malformed = await post('/v1/documents', 'not a multipart body', {
      'content-type': 'multipart/form-data; boundary=xyz',
    });
    assert.equal(malformed.status, 400);
  });

  it('keeps JSON text submissions as they were, and names both body types in a 415', async () => {
    const res = await post('/v1/documents', JSON.stringify({ id: `text-${run}`, text: 'A plain note' }), {
      'content-type': 'application/json',
    });
    assert.equal(res.status, 202);
    assert.equal((await startInput(documentWorkflowId(`text-${run}`))).fromFile, undefined);
    const other = await post('/v1/documents', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(other.status, 415);
    assert.match(((await other.json()) as ErrorBody).error.message, /application\/json or multipart\/form-data/);
  });

  it('accepts a batch of files, each a batch document started with fromFile, the metadata on all', async () => {
    const files = [
      { bytes: await makeTextPdf([`Batch invoice ${run}`]), fileName: 'invoice.pdf' },
      { bytes: await makeDocx([`Batch contract ${run}`]), fileName: 'contract.docx' },
      { bytes: new TextEncoder().encode(`Batch note ${run}`), fileName: 'note.txt' },
    ];
    const res = await post(
      '/v1/batches',
      form([...files.map((f) => ({ name: 'file', ...f })), { name: 'metadata', value: '{"source":"scanner"}' }]),
    );
    assert.equal(res.status, 202, await res.clone().text());
    const accepted = (await res.json()) as { batchId: string; documents: number; ids: string[] };
    assert.equal(accepted.documents, 3);
    const { rows } = await env.pool.query(
      `SELECT bd.document_id, f.media_type, f.file_name, d.metadata, d.source FROM batch_documents bd
       JOIN documents d ON d.id = bd.document_id JOIN document_files f ON f.document_id = bd.document_id
       WHERE bd.batch_id = $1 ORDER BY bd.position`,
      [accepted.batchId],
    );
    assert.deepEqual(
      rows.map((r) => [r.document_id, r.file_name, r.source, r.metadata]),
      files.map((f, i) => [accepted.ids[i], f.fileName, 'file', { source: 'scanner' }]),
    );
    assert.deepEqual(
      rows.map((r) => r.media_type),
      ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain'],
    );
    const input = await startInput<ClassifyBatchInput>(batchWorkflowId(accepted.batchId));
    assert.equal(input.total, 3);
    assert.equal(input.document.fromFile, true);
  });

  it('refuses a batch with an unsupported file (naming it) or no file, storing nothing', async () => {
    const bad = await post(
      '/v1/batches',
      form([
        { name: 'file', bytes: await makeTextPdf(['fine']), fileName: 'fine.pdf' },
        { name: 'file', bytes: await makeZip(), fileName: 'bundle.zip' },
      ]),
    );
    assert.equal(bad.status, 415);
    assert.match(((await bad.json()) as ErrorBody).error.message, /^bundle\.zip: unsupported file type/);
    const stored = await env.pool.query("SELECT 1 FROM document_files WHERE file_name IN ('fine.pdf', 'bundle.zip')");
    assert.equal(stored.rowCount, 0);
    const none = await post('/v1/batches', form([{ name: 'taxonomy', value: 'default' }]));
    assert.equal(none.status, 400);
    assert.match(((await none.json()) as ErrorBody).error.message, /^file is missing/);
    const json = await post('/v1/batches', JSON.stringify({ documents: [{ text: `json batch ${run}` }] }), {
      'content-type': 'application/json',
    });
    assert.equal(json.status, 202);
  });

  it('is what the typed client sends: submitFile and submitFileBatch', async () => {
    const client = new DocketClient({
      baseUrl: 'http://docket.test',
      token: TEST_TOKENS.submitter,
      fetch: (input, init) => Promise.resolve(app.request(String(input), init)),
    });
    const id = `client-${run}`;
    const pdf = await makeTextPdf([`Client invoice ${run}`]);
    const accepted = await client.submitFile({ bytes: pdf, fileName: 'invoice.pdf', id, metadata: { k: 1 } });
    assert.equal(accepted.id, id);
    assert.deepEqual(await fileRow(id), {
      media_type: 'application/pdf',
      file_name: 'invoice.pdf',
      size_bytes: pdf.length,
      source: 'file',
      metadata: { k: 1 },
      taxonomy: 'default',
    });
    assert.equal((await startInput(documentWorkflowId(id))).fromFile, true);
    await assert.rejects(client.submitFile({ bytes: await makeZip(), fileName: 'a.zip' }), {
      status: 415,
      code: 'unsupported_media_type',
    });
    const batch = await client.submitFileBatch(
      [
        { bytes: new Blob([`Client note one ${run}`]), fileName: 'one.txt' },
        { bytes: await makeDocx([`Client contract ${run}`]), fileName: 'two.docx' },
      ],
      { metadata: { via: 'client' } },
    );
    assert.equal(batch.documents, 2);
    assert.deepEqual((await fileRow(batch.ids[1]!))?.metadata, { via: 'client' });
  });
});

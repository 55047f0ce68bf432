import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { prepareDocumentFile, storeDocumentFile } from '../../src/documents/store-document-file.js';
import { contentHash } from '../../src/documents/submit.js';
import { documentViewSchema, type DocumentView } from '../../src/documents/schemas.js';
import { extractDocument } from '../../src/extraction/index.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { documentWorkflowId, TASK_QUEUE } from '../../src/shared/names.js';
import type { ClassifyDocumentInput, DocumentProgress } from '../../src/shared/workflow-types.js';
import { testApi, type TestApi } from '../helpers/api.js';
import {
  startDocket,
  TEST_TOKENS,
  testDocumentSettings,
  workflowBundle,
  type DocketTestEnv,
} from '../helpers/docket.js';
import { recordHistory, replayAll } from '../helpers/histories.js';
import { waitFor } from '../helpers/wait.js';
import { makeCorruptPdf, makeEncryptedPdf, makeScannedPdf, makeTextPdf } from './make-files.js';

const RECORDING = process.env.DOCKET_RECORD_HISTORIES !== undefined;

describe('a file document in the classification workflow', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let n = 0;

  before(async () => {
    // Fixtures are recorded in plain text: the replay test decrypts with a key of its own.
    env = await startDocket(RECORDING ? { env: { DOCKET_PAYLOAD_KEYS: undefined as unknown as string } } : {});
    api = testApi(env);
  });
  after(async () => {
    try {
      await replayAll(env);
      if (RECORDING) {
        await recordHistory(env, 'file-text-pdf', 'completed-file-pdf-text');
        await recordHistory(env, 'file-corrupt', 'pending_review-unreadable-file');
      }
    } finally {
      await env.stop();
    }
  });

  /** Stores `bytes` as a file document, as the multipart API does, and starts its workflow on `taskQueue`. */
  async function submitFile(
    bytes: Uint8Array,
    fileName: string,
    id = `file-${process.pid}-${++n}`,
    taskQueue = TASK_QUEUE,
  ) {
    const file = await prepareDocumentFile({ bytes, fileName, id, taxonomy: 'default' }, env.config.api.maxFileBytes);
    const stored = await storeDocumentFile(env.pool, file);
    assert.equal(stored.outcome, 'created');
    const input: ClassifyDocumentInput = { ...testDocumentSettings(), documentId: id, fromFile: true };
    await env.client.workflow.start('classifyDocumentWorkflow', {
      workflowId: documentWorkflowId(id),
      taskQueue,
      args: [input],
    });
    return id;
  }

  const progress = (id: string) =>
    env.client.workflow.getHandle(documentWorkflowId(id)).query<DocumentProgress>('status');
  const llmCalls = async (id: string) =>
    Number((await env.pool.query('SELECT count(*) AS n FROM llm_calls WHERE document_id = $1', [id])).rows[0].n);

  it('extracts a text PDF before classifying it: completed, with its file and extraction shown by GET', async () => {
    const marker = 'The marker clause of the master services agreement for file-text-pdf.';
    const id = await submitFile(await makeTextPdf([marker]), 'msa.pdf', 'file-text-pdf');
    const view = await api.waitForStatus(id, 'completed');
    assert.equal(view.result?.decidedBy, 'model');
    assert.equal(view.file?.name, 'msa.pdf');
    assert.equal(view.file?.mediaType, 'application/pdf');
    assert.match(view.file?.contentHash ?? '', /^[0-9a-f]{64}$/);
    assert.ok((view.file?.bytes ?? 0) > 0);
    assert.equal(view.extraction?.outcome, 'extracted');
    assert.equal(view.extraction?.method, 'pdf-text');
    assert.match(view.extraction?.extractor ?? '', /@\d+\.\d+/);
    assert.equal(view.extraction?.pages, 1);
    assert.ok((view.extraction?.chars ?? 0) >= marker.length);
    assert.deepEqual(documentViewSchema.parse(view), view, 'the declared schema holds every field');
    // The model was sent the extracted text, once.
    assert.equal(env.sim.requestsMatching('marker clause of the master services agreement').length, 1);
    const status = await progress(id);
    assert.equal(status.extraction?.outcome, 'extracted');
    assert.ok(status.extraction?.outcome === 'extracted' && status.extraction.method === 'pdf-text');
  });

  for (const [kind, make, reason] of [
    ['a corrupt PDF', async () => makeCorruptPdf(), 'corrupt'],
    ['an encrypted PDF', makeEncryptedPdf, 'encrypted'],
    ['a scanned PDF without a vision model', () => makeScannedPdf(1), 'no_vision_model'],
  ] as const) {
    it(`sends ${kind} to review as unreadable (${reason}) without any LLM request`, async () => {
      const before = env.sim.requests.length;
      const id = await submitFile(await make(), `${reason}.pdf`, `file-${reason}`);
      const view = await api.waitForStatus(id, 'pending_review');
      assert.deepEqual(view.review, { reason: 'unreadable' }, 'no suggestion');
      assert.equal(view.extraction?.outcome, 'unreadable');
      assert.equal(view.extraction?.unreadableReason, reason);
      assert.equal(view.file?.name, `${reason}.pdf`);
      assert.deepEqual(documentViewSchema.parse(view), view, 'the declared schema holds every field');
      const status = await progress(id);
      assert.deepEqual(status.extraction, { outcome: 'unreadable', unreadableReason: reason });
      assert.equal(status.lastErrorClass, 'input');
      assert.equal(env.sim.requests.length, before, 'no request reached the model');
      assert.equal(await llmCalls(id), 0);
      if (reason === 'no_vision_model') assert.ok((view.extraction?.images ?? 0) > 0, 'its page images are kept');
    });
  }

  it("serves a file document's original file and page images to reviewers only", async () => {
    const bytes = await makeScannedPdf(1);
    const id = await submitFile(bytes, 'scan «1».pdf', `file-served-${process.pid}`);
    await api.waitForStatus(id, 'pending_review');
    const file = await api.call(`/v1/documents/${id}/file`, { token: TEST_TOKENS.reviewer });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.equal(
      file.headers.get('content-disposition'),
      `attachment; filename="scan _1_.pdf"; filename*=UTF-8''${encodeURIComponent('scan «1».pdf')}`,
    );
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), bytes);
    assert.equal((await api.call(`/v1/documents/${id}/file`, { token: TEST_TOKENS.submitter })).status, 403);

    const page = await api.call(`/v1/documents/${id}/pages/1`, { token: TEST_TOKENS.reviewer });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'image/png');
    assert.deepEqual([...new Uint8Array(await page.arrayBuffer()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const beyond = await api.call(`/v1/documents/${id}/pages/2`, { token: TEST_TOKENS.reviewer });
    assert.equal(beyond.status, 404);
    assert.match(((await beyond.json()) as { error: { message: string } }).error.message, /has 1 page image\(s\)/);
    const zero = await api.call(`/v1/documents/${id}/pages/0`, { token: TEST_TOKENS.reviewer });
    assert.equal(zero.status, 400);
    assert.match(((await zero.json()) as { error: { message: string } }).error.message, /page image number from 1/);
  });

  it('retries a crash of the extractor (classifying, stage extracting) and then completes', async () => {
    const taskQueue = `file-crash-${process.pid}`;
    let calls = 0;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.config.temporal.namespace,
      dataConverter: createDataConverter(env.config.payload),
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({
        pool: env.pool,
        client: env.client,
        logger: env.logger,
        // The LLM activity runs on the docket-llm queue of the test's own worker, not here.
        openai: createOpenAIClient({ baseUrl: env.sim.baseUrl, timeoutMs: 5000 }),
        maxOutputTokens: 100,
        batchApi: env.config.batchApi.queue,
        timeoutMs: 5000,
        extraction: env.config.extraction,
        extractor: (bytes, options) =>
          ++calls === 1 ? Promise.reject(new Error('pdf.js crashed on this worker')) : extractDocument(bytes, options),
      }),
    });
    const view = await worker.runUntil(async () => {
      const id = await submitFile(
        await makeTextPdf(['A crash-retry marker invoice, total 42 EUR.']),
        'crash.pdf',
        undefined,
        taskQueue,
      );
      await waitFor(
        async () => calls,
        (c) => c >= 1,
      );
      const during = await progress(id);
      if (calls === 1) {
        assert.equal(during.status, 'classifying');
        assert.equal(during.stage, 'extracting');
      }
      return api.waitForStatus(id, 'completed');
    });
    assert.equal(calls, 2, 'the crashed attempt was retried once');
    assert.equal(view.extraction?.method, 'pdf-text');
    assert.equal(env.sim.requestsMatching('crash-retry marker invoice').length, 1);
  });

  it('classifies a text document whose workflow was told fromFile, with no extraction to show', async () => {
    const id = `text-from-file-${process.pid}`;
    const text = `${id}: the supplier contract limits liability.`;
    await env.pool.query(
      `INSERT INTO documents (id, content_hash, text, metadata, taxonomy) VALUES ($1, $2, $3, '{}', 'default')`,
      [id, contentHash(text), text],
    );
    const input: ClassifyDocumentInput = { ...testDocumentSettings(), documentId: id, fromFile: true };
    const handle = await env.client.workflow.start('classifyDocumentWorkflow', {
      workflowId: documentWorkflowId(id),
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    await handle.result();
    assert.equal((await progress(id)).extraction, undefined);
    assert.equal(env.sim.requestsMatching(id).length, 1);
  });

  it('shows a text document without file or extraction, and has no file to serve', async () => {
    const { id } = await api.submit({ text: `A plain text document ${process.pid}.` });
    const view: DocumentView = await waitFor(
      () => api.get(id),
      (d) => d.status !== 'classifying',
    );
    assert.equal(view.file, undefined);
    assert.equal(view.extraction, undefined);
    const file = await api.call(`/v1/documents/${id}/file`, { token: TEST_TOKENS.reviewer });
    assert.equal(file.status, 404);
    assert.match(((await file.json()) as { error: { message: string } }).error.message, /submitted as text/);
  });
});

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { loadConfig } from '../../src/config.js';
import { getExtraction } from '../../src/db/document-files.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { getDocument } from '../../src/db/queries.js';
import { prepareDocumentFile, storeDocumentFile } from '../../src/documents/store-document-file.js';
import { DEFAULT_VISION_MAX_PIXELS, extractDocument, type ExtractionSettings } from '../../src/extraction/index.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger } from '../../src/logger.js';
import { installRuntime } from '../../src/worker/runtime.js';
import { ERROR_TYPES } from '../../src/shared/index.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTemporal } from '../helpers/temporal.js';
import type { extractOnlyWorkflow } from './workflows/extract-only.js';
import { makeEncryptedPdf, makeTextPdf } from './make-files.js';

installRuntime(process.env.DOCKET_TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');

const MARKER = 'The confidential marker clause of the master services agreement.';
const SETTINGS: ExtractionSettings = {
  vision: { maxPages: 10, maxPixels: DEFAULT_VISION_MAX_PIXELS, detail: 'high' },
  ocr: { engine: 'off', languages: 'eng' },
  concurrency: 2,
};

describe('the extraction activity on a real worker', () => {
  let temporal: TestWorkflowEnvironment;
  let db: TestDatabase;
  let pool: Pool;
  let bundle: WorkflowBundleWithSourceMap;
  let counter = 0;

  before(async () => {
    [temporal, db, bundle] = await Promise.all([
      startTemporal(),
      defaultDatabaseKind().then(startTestDatabase),
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./workflows/extract-only.ts', import.meta.url)),
        logger: {
          log: () => undefined,
          trace: () => undefined,
          debug: () => undefined,
          info: () => undefined,
          warn: () => undefined,
          error: (m) => console.error(m),
        },
        webpackConfigHook: (config) => {
          config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
          return config;
        },
      }),
    ]);
    pool = createPool(db.url);
  });
  after(async () => {
    await pool?.end();
    await Promise.allSettled([temporal?.teardown(), db?.close()]);
  });

  async function stored(bytes: Uint8Array): Promise<string> {
    const id = `worker-${process.pid}-${++counter}`;
    const file = await prepareDocumentFile({ bytes, fileName: 'file.pdf', id, taxonomy: 'default' }, 1024 * 1024);
    await storeDocumentFile(pool, file);
    return id;
  }

  /** Runs `extractOnlyWorkflow` on a worker of the docket activities, `extractor` reading the files. */
  async function extractOnWorker(documentId: string, extractor: typeof extractDocument) {
    const taskQueue = `extract-${process.pid}-${counter}`;
    const activities = createActivities({
      pool,
      client: temporal.client,
      logger: createLogger({ level: 'silent' }),
      // No LLM call is made here; the LLM activities are not on this worker.
      openai: createOpenAIClient({ baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 1000 }),
      maxOutputTokens: 100,
      timeoutMs: 1000,
      extraction: SETTINGS,
      batchApi: loadConfig({}).batchApi.queue,
      extractor,
    });
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    return worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start<typeof extractOnlyWorkflow>('extractOnlyWorkflow', {
        taskQueue,
        workflowId: `extract-${documentId}`,
        args: [{ documentId }],
      });
      const settled = await handle.result().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      return { handle, settled };
    });
  }

  it('retries a crash of the extractor and then stores the text once, none of it in the history', async () => {
    const id = await stored(await makeTextPdf([MARKER]));
    let calls = 0;
    const { handle, settled } = await extractOnWorker(id, (bytes, options) =>
      ++calls === 1 ? Promise.reject(new Error('pdf.js crashed on this worker')) : extractDocument(bytes, options),
    );
    assert.equal(calls, 2, 'the crashed attempt was retried once');
    assert.ok('value' in settled, 'error' in settled ? String(settled.error) : '');
    assert.equal(settled.value.method, 'pdf-text');
    assert.match((await getDocument(pool, id))?.text ?? '', /confidential marker clause/);
    assert.equal((await getExtraction(pool, id))?.outcome, 'extracted');
    const history = await handle.fetchHistory();
    const started = history.events?.filter((e) => e.activityTaskStartedEventAttributes) ?? [];
    assert.equal(started.at(-1)?.activityTaskStartedEventAttributes?.attempt, 2);
    assert.doesNotMatch(allText(history), /confidential marker clause/);
  });

  it('fails an unreadable file at once, typed DocketUnreadableDocument with its reason', async () => {
    const id = await stored(await makeEncryptedPdf());
    let calls = 0;
    const { settled } = await extractOnWorker(id, (bytes, options) => (calls++, extractDocument(bytes, options)));
    assert.equal(calls, 1, 'not retried');
    const result = 'error' in settled ? settled.error : undefined;
    assert.ok(result instanceof WorkflowFailedError, String(result));
    assert.ok(result.cause instanceof ActivityFailure);
    const failure = result.cause.cause;
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, ERROR_TYPES.unreadableDocument);
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(failure.details, [{ errorClass: 'input', reason: 'encrypted' }]);
  });
});

/** Every byte string of a history, as UTF-8: where a document's text would show if it went through history. */
function allText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(allText).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(allText).join('\n');
  return typeof value === 'string' ? value : '';
}

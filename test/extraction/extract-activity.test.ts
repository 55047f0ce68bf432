import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createExtractDocumentText,
  type ExtractDocumentTextInput,
  type ExtractDocumentTextResult,
  type ExtractionActivityDeps,
} from '../../src/activities/extract-document.js';
import { getExtraction, listDocumentImages } from '../../src/db/document-files.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { getDocument, insertDocument } from '../../src/db/queries.js';
import { prepareDocumentFile, storeDocumentFile } from '../../src/documents/store-document-file.js';
import {
  DEFAULT_VISION_MAX_PIXELS,
  extractDocument,
  imagesTokens,
  type ExtractionSettings,
} from '../../src/extraction/index.js';
import { createLogger } from '../../src/logger.js';
import { ERROR_TYPES, type UnreadableDetails } from '../../src/shared/index.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  makeBlankPdf,
  makeCorruptPdf,
  makeEmail,
  makeEncryptedPdf,
  makePng,
  makeScannedPdf,
  makeTextPdf,
  makeTiff,
} from './make-files.js';
import { findTesseract } from '../helpers/required-tools.js';

// CI installs tesseract-ocr: there the OCR test runs, and fails if tesseract is missing.
const { skip: ocrSkip } = await findTesseract();

const MARKER = 'The supplier shall deliver the marker goods within thirty days.';

function settings(overrides: { model?: string; ocr?: 'off' | 'tesseract'; languages?: string } = {}) {
  return {
    vision: {
      ...(overrides.model ? { model: overrides.model } : {}),
      maxPages: 10,
      maxPixels: DEFAULT_VISION_MAX_PIXELS,
      detail: 'high',
    },
    ocr: { engine: overrides.ocr ?? 'off', languages: overrides.languages ?? 'eng' },
    concurrency: 2,
  } satisfies ExtractionSettings;
}

/** Log lines the activity wrote, parsed. */
function logSink(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

describe('the extraction activity', () => {
  let db: TestDatabase;
  let pool: Pool;
  let counter = 0;

  before(async () => {
    db = await startTestDatabase(await defaultDatabaseKind());
    pool = createPool(db.url);
  });
  after(async () => {
    await pool?.end();
    await db?.close();
  });

  async function stored(bytes: Uint8Array, fileName: string): Promise<string> {
    const id = `extract-${process.pid}-${++counter}`;
    const file = await prepareDocumentFile({ bytes, fileName, id, taxonomy: 'default' }, 20 * 1024 * 1024);
    assert.equal((await storeDocumentFile(pool, file)).outcome, 'created');
    return id;
  }

  function activity(overrides: Partial<ExtractionActivityDeps> = {}) {
    return createExtractDocumentText({
      pool,
      logger: createLogger({ level: 'silent' }),
      extraction: settings(),
      ...overrides,
    });
  }

  function run(
    extract: ReturnType<typeof activity>,
    input: ExtractDocumentTextInput,
    attempt = 1,
  ): Promise<ExtractDocumentTextResult> {
    const env = new MockActivityEnvironment({
      attempt,
      workflowExecution: { workflowId: `classify-${input.documentId}`, runId: 'run-1' },
    });
    return env.run(extract, input);
  }

  async function unreadable(promise: Promise<unknown>): Promise<UnreadableDetails & { message: string }> {
    const error = await promise.then(
      () => assert.fail('expected a DocketUnreadableDocument failure'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApplicationFailure, String(error));
    assert.equal(error.type, ERROR_TYPES.unreadableDocument);
    assert.equal(error.nonRetryable, true);
    return { ...(error.details?.[0] as UnreadableDetails), message: error.message };
  }

  it('writes a PDF’s text as the document’s text and returns only small facts', async () => {
    const id = await stored(await makeTextPdf([MARKER, 'Page two: signatures.']), 'contract.pdf');
    const result = await run(activity(), { documentId: id });
    assert.deepEqual(result, {
      source: 'file',
      method: 'pdf-text',
      extractor: result.extractor,
      mediaType: 'application/pdf',
      pages: 2,
      chars: result.chars,
      ocrPages: 0,
      images: 0,
      imagesOmitted: 0,
      needsVision: false,
      reused: false,
    });
    assert.match(result.extractor ?? '', /^pdfjs-dist@/);
    const document = await getDocument(pool, id);
    assert.match(document?.text ?? '', /marker goods within thirty days\.\n\nPage two/);
    assert.equal(result.chars, document?.text.length);
    assert.doesNotMatch(JSON.stringify(result), /marker goods/, 'no document text goes through history');
    const extraction = await getExtraction(pool, id);
    assert.equal(extraction?.outcome, 'extracted');
    assert.equal(extraction?.method, 'pdf-text');
    assert.equal(extraction?.textChars, result.chars);
  });

  it('returns the stored extraction when run again, and extracts afresh on request with the same rows', async () => {
    const id = await stored(await makeScannedPdf(1, [MARKER]), 'mixed.pdf');
    const extract = activity({ extraction: settings({ model: 'gpt-4o' }) });
    const first = await run(extract, { documentId: id });
    const again = await run(extract, { documentId: id }, 2);
    assert.equal(again.reused, true);
    assert.deepEqual({ ...again, reused: false }, first);
    const afresh = await run(extract, { documentId: id, reextract: true }, 3);
    assert.deepEqual(afresh, first);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM document_images WHERE document_id = $1', [id]);
    assert.equal(rows[0].n, 1);
  });

  it('keeps a scan’s page images for the vision model and counts their tokens', async () => {
    const id = await stored(await makeScannedPdf(2), 'scan.pdf');
    const result = await run(activity({ extraction: settings({ model: 'gpt-4o' }) }), { documentId: id });
    assert.equal(result.method, 'vision');
    assert.equal(result.needsVision, true);
    assert.equal(result.images, 2);
    assert.equal(result.chars, 0);
    const images = await listDocumentImages(pool, id);
    assert.deepEqual(
      images.map((i) => [i.page, i.mediaType]),
      [
        [1, 'image/png'],
        [2, 'image/png'],
      ],
    );
    assert.equal(result.visionTokens, imagesTokens(images, 'gpt-4o', 'high'));
    assert.equal(result.visionTokens, 2 * 1105, 'two A4 pages of six tiles each');
  });

  it('calls a scan unreadable (no_vision_model) without a vision model, and keeps its pages for the review', async () => {
    const id = await stored(await makeScannedPdf(1), 'scan.pdf');
    const failure = await unreadable(run(activity(), { documentId: id }));
    assert.equal(failure.reason, 'no_vision_model');
    assert.equal(failure.errorClass, 'input');
    assert.match(failure.message, /DOCKET_VISION_MODEL/);
    const extraction = await getExtraction(pool, id);
    assert.equal(extraction?.outcome, 'unreadable');
    assert.equal(extraction?.unreadableReason, 'no_vision_model');
    assert.equal(extraction?.method, 'vision');
    assert.equal((await listDocumentImages(pool, id)).length, 1);
  });

  it('classifies a mixed PDF on its text without a vision model, its scanned page kept but not sent', async () => {
    const id = await stored(await makeScannedPdf(1, [MARKER]), 'mixed.pdf');
    const result = await run(activity(), { documentId: id });
    assert.equal(result.method, 'pdf-text');
    assert.equal(result.needsVision, false);
    assert.equal(result.images, 1);
    assert.equal(result.visionTokens, undefined);
  });

  for (const [label, make, reason] of [
    ['an encrypted PDF', makeEncryptedPdf, 'encrypted'],
    ['a corrupt PDF', async () => makeCorruptPdf(), 'corrupt'],
    ['a PDF with nothing in it', () => makeBlankPdf(2), 'empty'],
  ] as const) {
    it(`fails ${label} as unreadable (${reason}), not retried, and records why`, async () => {
      const id = await stored(await make(), 'file.pdf');
      const failure = await unreadable(run(activity(), { documentId: id }));
      assert.equal(failure.reason, reason);
      const extraction = await getExtraction(pool, id);
      assert.equal(extraction?.outcome, 'unreadable');
      assert.equal(extraction?.unreadableReason, reason);
      assert.equal((await getDocument(pool, id))?.text, '');
    });
  }

  it('throws a crash of the extractor as a plain, retryable error, logged as an error once it repeats', async () => {
    const id = await stored(await makeTextPdf([MARKER]), 'contract.pdf');
    const logs = logSink();
    const extract = activity({
      logger: createLogger({ level: 'info' }, logs.stream),
      extractor: () => Promise.reject(new TypeError('Cannot read properties of undefined (reading "ops")')),
    });
    for (const attempt of [1, 3]) {
      const error = await run(extract, { documentId: id }, attempt).then(
        () => assert.fail('expected the crash'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TypeError, 'not an ApplicationFailure: Temporal retries it');
    }
    assert.deepEqual(
      logs.lines.map((l) => [l.level, l.attempt, l.msg]),
      [
        [40, 1, 'extraction crashed; it will be retried'],
        [50, 3, 'extraction crashed; it will be retried'],
      ],
    );
    assert.equal(await getExtraction(pool, id), undefined, 'nothing stored by a crashed attempt');
  });

  it('recovers on the attempt after a crash, with one extraction row', async () => {
    const id = await stored(await makeTextPdf([MARKER]), 'contract.pdf');
    let calls = 0;
    const extract = activity({
      extractor: (bytes, options) =>
        ++calls === 1 ? Promise.reject(new Error('worker ran out of memory')) : extractDocument(bytes, options),
    });
    await assert.rejects(run(extract, { documentId: id }), /out of memory/);
    const result = await run(extract, { documentId: id }, 2);
    assert.equal(result.method, 'pdf-text');
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM document_extractions WHERE document_id = $1', [
      id,
    ]);
    assert.equal(rows[0].n, 1);
  });

  it('stores an e-mail’s header and attachment names, never the attachments’ bytes', async () => {
    const attachment = Buffer.from('%PDF-1.7 attached invoice bytes');
    const eml = await makeEmail({
      subject: 'Invoice 2291',
      from: 'billing@example.com',
      text: 'Please find the invoice attached.',
      attachments: [{ filename: 'invoice-2291.pdf', content: attachment, contentType: 'application/pdf' }],
    });
    const id = await stored(eml, 'invoice.eml');
    const result = await run(activity(), { documentId: id });
    assert.equal(result.method, 'email');
    const extraction = await getExtraction(pool, id);
    assert.equal(extraction?.email?.subject, 'Invoice 2291');
    assert.deepEqual(extraction?.email?.attachments, [
      { name: 'invoice-2291.pdf', mediaType: 'application/pdf', size: attachment.length },
    ]);
    const { rows } = await pool.query('SELECT email::text AS email FROM document_extractions WHERE document_id = $1', [
      id,
    ]);
    assert.doesNotMatch(rows[0].email, /bytes|attached invoice/);
  });

  it('stores a TIFF as PNG pages for the vision model', async () => {
    const id = await stored(makeTiff(2), 'fax.tiff');
    const result = await run(activity({ extraction: settings({ model: 'gpt-4o' }) }), { documentId: id });
    assert.equal(result.method, 'vision');
    assert.deepEqual(
      (await listDocumentImages(pool, id)).map((i) => [i.page, i.mediaType, i.width, i.height]),
      [
        [1, 'image/png', 2, 2],
        [2, 'image/png', 2, 2],
      ],
    );
  });

  it('says a document submitted as text has nothing to extract', async () => {
    const id = `text-${process.pid}-${++counter}`;
    await insertDocument(pool, { id, contentHash: 'h', text: 'plain words', metadata: {}, taxonomy: 'default' });
    const result = await run(activity(), { documentId: id });
    assert.deepEqual(result, {
      source: 'text',
      method: 'text',
      chars: 11,
      ocrPages: 0,
      images: 0,
      imagesOmitted: 0,
      needsVision: false,
      reused: false,
    });
  });

  it('fails a document that is not there as not found, not retried', async () => {
    const error = await run(activity(), { documentId: 'no-such-document' }).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApplicationFailure);
    assert.equal(error.type, ERROR_TYPES.documentNotFound);
    assert.equal(error.nonRetryable, true);
  });

  it('reads a scan by OCR with DOCKET_OCR=tesseract', { skip: ocrSkip }, async () => {
    const id = await stored(await makeScannedPdf(1), 'scan.pdf');
    const result = await run(activity({ extraction: settings({ ocr: 'tesseract' }) }), { documentId: id });
    assert.equal(result.method, 'ocr');
    assert.equal(result.ocrPages, 1);
    assert.equal(result.needsVision, false);
    assert.match((await getDocument(pool, id))?.text ?? '', /SCANNED INVOICE/);
    assert.match((await getExtraction(pool, id))?.extractor ?? '', /\+tesseract@/);
  });

  it('goes on without OCR, saying why once, when a language is not installed', async () => {
    const logs = logSink();
    const extract = activity({
      logger: createLogger({ level: 'info' }, logs.stream),
      extraction: settings({ ocr: 'tesseract', languages: 'zzz', model: 'gpt-4o' }),
    });
    for (const label of ['one', 'two']) {
      const result = await run(extract, { documentId: await stored(await makeScannedPdf(1), `${label}.pdf`) });
      assert.equal(result.method, 'vision');
    }
    const warnings = logs.lines.filter((l) => /OCR is unavailable/.test(String(l.msg)));
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]?.reason), /zzz/);
  });

  it('stores a photo within the limits byte for byte', async () => {
    const png = await makePng(['A photographed receipt', 'Total 18.40'], 800, 400);
    const id = await stored(png, 'receipt.png');
    const result = await run(activity({ extraction: settings({ model: 'gpt-4o-mini' }) }), { documentId: id });
    assert.equal(result.needsVision, true);
    const [image] = await listDocumentImages(pool, id);
    assert.deepEqual(new Uint8Array(image!.bytes), png);
    assert.equal(result.visionTokens, 2833 + 2 * 5667, 'gpt-4o-mini: 800 × 400 is two tiles');
  });
});

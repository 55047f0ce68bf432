import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  getDocumentFile,
  getDocumentFileInfo,
  getExtraction,
  listDocumentImages,
  saveExtraction,
  type ExtractionRecord,
} from '../../src/db/document-files.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { eraseDocumentRows, getDocument, insertDocument } from '../../src/db/queries.js';
import { getWorkflowStart } from '../../src/db/workflow-starts.js';
import {
  prepareDocumentFile,
  storeDocumentFile,
  type PreparedDocumentFile,
} from '../../src/documents/store-document-file.js';
import { contentHash, FileTooLargeError, UnsupportedTypeError } from '../../src/extraction/index.js';
import { documentWorkflowId, WORKFLOW_TYPES } from '../../src/shared/names.js';
import { defaultDatabaseKind, startTestDatabase, type DatabaseKind, type TestDatabase } from '../helpers/database.js';
import { makeElf, makePng, makeTextPdf } from './make-files.js';

const LIMIT = 1024 * 1024;
let counter = 0;
const uniqueId = (label: string) => `${label}-${process.pid}-${++counter}`;

function startFor(id: string) {
  return {
    start: {
      workflowId: documentWorkflowId(id),
      workflowType: WORKFLOW_TYPES.classifyDocument,
      input: { id },
      documentId: id,
    },
    holdMs: 0,
  };
}

async function prepared(bytes: Uint8Array, id: string, fileName = 'contract.pdf'): Promise<PreparedDocumentFile> {
  return prepareDocumentFile({ bytes, id, fileName, taxonomy: 'default' }, LIMIT);
}

const EXTRACTED: ExtractionRecord = {
  outcome: 'extracted',
  method: 'pdf-text',
  extractor: 'pdfjs-dist@5.6.205',
  mediaType: 'application/pdf',
  textChars: 23,
  pages: 2,
  ocrPages: 0,
  images: 1,
  imagesOmitted: 0,
  needsVision: true,
};

function describeStorage(kind: () => Promise<DatabaseKind>, label: string) {
  describe(`document files on ${label}`, () => {
    let db: TestDatabase;
    let pool: Pool;
    let pdf: Uint8Array;
    let otherPdf: Uint8Array;

    before(async () => {
      db = await startTestDatabase(await kind());
      pool = createPool(db.url);
      pdf = await makeTextPdf(['Master services agreement', 'Signatures']);
      otherPdf = await makeTextPdf(['An unrelated invoice']);
    });
    after(async () => {
      await pool?.end();
      await db?.close();
    });

    it('stores the original bytes with their hash, type, name and size, and a document whose text is to come', async () => {
      const id = uniqueId('stored');
      const result = await storeDocumentFile(pool, await prepared(pdf, id), { metadata: { team: 'legal' } });
      assert.deepEqual(result, { outcome: 'created', id, contentHash: contentHash(pdf), mediaType: 'application/pdf' });
      const file = await getDocumentFile(pool, id);
      assert.ok(file);
      assert.deepEqual(new Uint8Array(file.bytes), pdf);
      assert.equal(file.contentHash, contentHash(pdf));
      assert.equal(file.mediaType, 'application/pdf');
      assert.equal(file.fileName, 'contract.pdf');
      assert.equal(file.sizeBytes, pdf.length);
      const info = await getDocumentFileInfo(pool, id);
      assert.equal(info && 'bytes' in info, false);
      const document = await getDocument(pool, id);
      assert.equal(document?.text, '');
      assert.equal(document?.contentHash, contentHash(pdf));
      assert.deepEqual(document?.metadata, { team: 'legal' });
    });

    it('answers same for the same file again, and keeps one document', async () => {
      const id = uniqueId('same');
      assert.equal((await storeDocumentFile(pool, await prepared(pdf, id))).outcome, 'created');
      assert.equal((await storeDocumentFile(pool, await prepared(pdf, id, 'renamed.pdf'))).outcome, 'same');
      const { rows } = await pool.query('SELECT file_name FROM document_files WHERE document_id = $1', [id]);
      assert.deepEqual(rows, [{ file_name: 'contract.pdf' }]);
    });

    it('answers conflict for a different file under the same id, and keeps the first file', async () => {
      const id = uniqueId('conflict');
      await storeDocumentFile(pool, await prepared(pdf, id));
      const result = await storeDocumentFile(pool, await prepared(otherPdf, id), { start: startFor(id) });
      assert.equal(result.outcome, 'conflict');
      assert.equal(result.outcome === 'conflict' && result.reason, 'different_content');
      assert.match(result.outcome === 'conflict' ? result.message : '', /already exists with a different file/);
      assert.deepEqual(new Uint8Array((await getDocumentFile(pool, id))!.bytes), pdf);
      assert.equal(await getWorkflowStart(pool, documentWorkflowId(id)), undefined, 'no start is owed on a conflict');
    });

    it('answers conflict for the same file under another taxonomy', async () => {
      const id = uniqueId('taxonomy');
      await storeDocumentFile(pool, await prepared(pdf, id));
      const result = await storeDocumentFile(pool, { ...(await prepared(pdf, id)), taxonomy: 'support' });
      assert.equal(result.outcome === 'conflict' && result.reason, 'different_taxonomy');
    });

    it('answers conflict for a file under the id of a document submitted as text', async () => {
      const id = uniqueId('text');
      await insertDocument(pool, { id, contentHash: 'abc', text: 'plain text', metadata: {}, taxonomy: 'default' });
      const result = await storeDocumentFile(pool, await prepared(pdf, id));
      assert.match(result.outcome === 'conflict' ? result.message : '', /already exists with text/);
    });

    it('records the workflow start a new or resubmitted file is owed, in the same transaction', async () => {
      const id = uniqueId('start');
      await storeDocumentFile(pool, await prepared(pdf, id), { start: startFor(id) });
      const owed = await getWorkflowStart(pool, documentWorkflowId(id));
      assert.equal(owed?.documentId, id);
      assert.deepEqual(owed?.input, { id });
    });

    it('derives the same id for the same file under the same taxonomy', async () => {
      const first = await prepareDocumentFile({ bytes: pdf, taxonomy: 'default' }, LIMIT);
      const again = await prepareDocumentFile({ bytes: pdf, fileName: 'copy.pdf', taxonomy: 'default' }, LIMIT);
      const other = await prepareDocumentFile({ bytes: pdf, taxonomy: 'support' }, LIMIT);
      assert.match(first.id, /^doc-[0-9a-f]{32}$/);
      assert.equal(again.id, first.id);
      assert.notEqual(other.id, first.id);
    });

    it('refuses a file over the limit before anything is stored', async () => {
      const id = uniqueId('big');
      const error = await prepareDocumentFile({ bytes: pdf, id, fileName: 'big.pdf', taxonomy: 'default' }, 100).then(
        () => assert.fail('expected FileTooLargeError'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof FileTooLargeError);
      assert.equal(error.size, pdf.length);
      assert.equal(error.limit, 100);
      assert.match(error.message, /"big.pdf" is .*; the limit is 100 bytes \(DOCKET_MAX_FILE_BYTES\)/);
      assert.equal(await getDocument(pool, id), undefined);
    });

    it('refuses an unsupported type, listing the supported ones', async () => {
      await assert.rejects(prepared(makeElf(), uniqueId('elf'), 'tool'), (e: unknown) => {
        assert.ok(e instanceof UnsupportedTypeError);
        assert.match(e.message, /supported: PDF/);
        return true;
      });
    });

    it('stores an extraction with its images and the text as the document text; again, the same rows', async () => {
      const id = uniqueId('extracted');
      await storeDocumentFile(pool, await prepared(pdf, id));
      const png = await makePng(['page two'], 64, 32);
      const extraction = {
        record: EXTRACTED,
        text: 'Master services agreement',
        images: [{ page: 2, mediaType: 'image/png' as const, width: 64, height: 32, bytes: png }],
      };
      assert.equal(await saveExtraction(pool, id, extraction), true);
      assert.equal(await saveExtraction(pool, id, extraction), true);
      assert.equal((await getDocument(pool, id))?.text, 'Master services agreement');
      const { extractedAt, ...stored } = (await getExtraction(pool, id))!;
      assert.ok(extractedAt instanceof Date);
      assert.deepEqual(stored, EXTRACTED);
      const images = await listDocumentImages(pool, id);
      assert.equal(images.length, 1);
      assert.deepEqual(new Uint8Array(images[0]!.bytes), png);
      assert.deepEqual(
        { ...images[0], bytes: undefined },
        { page: 2, mediaType: 'image/png', width: 64, height: 32, bytes: undefined },
      );
    });

    it('erases the file, its extraction and its images with the document', async () => {
      const id = uniqueId('erased');
      await storeDocumentFile(pool, await prepared(pdf, id));
      const png = await makePng(['x'], 32, 32);
      await saveExtraction(pool, id, {
        record: EXTRACTED,
        text: 'text',
        images: [{ mediaType: 'image/png', width: 32, height: 32, bytes: png }],
      });
      await eraseDocumentRows(pool, id, { reason: 'request', erasedBy: 'ops' });
      assert.equal(await getDocumentFile(pool, id), undefined);
      assert.equal(await getExtraction(pool, id), undefined);
      assert.deepEqual(await listDocumentImages(pool, id), []);
      assert.equal(await saveExtraction(pool, id, { record: EXTRACTED, text: 'late', images: [] }), false);
    });
  });
}

describeStorage(defaultDatabaseKind, 'the default test database');
if ((await defaultDatabaseKind()) !== 'pglite') describeStorage(async () => 'pglite', 'PGlite');

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contentHash,
  extractDocument,
  DEFAULT_VISION_MAX_PAGES,
  UnreadableDocumentError,
  type UnreadableReason,
} from '../../src/extraction/index.js';
import { makeBlankPdf, makeCorruptPdf, makeEncryptedPdf, makeScannedPdf, makeTextPdf } from './make-files.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE, 'a PNG');
  const view = Buffer.from(bytes);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

async function unreadable(bytes: Uint8Array, reason: UnreadableReason): Promise<UnreadableDocumentError> {
  const error = await extractDocument(bytes).then(
    () => assert.fail(`expected an UnreadableDocumentError (${reason})`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UnreadableDocumentError, String(error));
  assert.equal(error.reason, reason, error.message);
  return error;
}

describe('PDF extraction', () => {
  it('reads the text of every page of a multi-page PDF and counts its pages', async () => {
    const pdf = await makeTextPdf([
      'Master services agreement\nThe supplier shall deliver within thirty days.',
      'Page two: the marker sentence of the payment terms.',
      'Page three: signatures of both parties.',
    ]);
    const result = await extractDocument(pdf, { name: 'contract.pdf' });
    assert.equal(result.method, 'pdf-text');
    assert.equal(result.mediaType, 'application/pdf');
    assert.match(result.extractor, /^pdfjs-dist@\d+\.\d+\.\d+$/);
    assert.equal(result.pages, 3);
    assert.equal(result.pagesRead, undefined);
    assert.equal(result.images, undefined);
    assert.match(result.text, /The supplier shall deliver within thirty days\./);
    assert.match(result.text, /the marker sentence of the payment terms\.\n\nPage three: signatures/);
  });

  it('reads at most maxPages pages but counts them all', async () => {
    const pdf = await makeTextPdf(Array.from({ length: 6 }, (_, i) => `Chapter ${i + 1} of the annual report`));
    const result = await extractDocument(pdf, { maxPages: 2 });
    assert.equal(result.pages, 6);
    assert.equal(result.pagesRead, 2);
    assert.match(result.text, /Chapter 2 of/);
    assert.doesNotMatch(result.text, /Chapter 3 of/);
  });

  it('refuses a maxPages below one as a mistake of the caller, not an empty document', async () => {
    const pdf = await makeTextPdf(['A page']);
    await assert.rejects(extractDocument(pdf, { maxPages: 0 }), RangeError);
  });

  it('renders a page that is only an image (a scan) for a vision model, with an empty text', async () => {
    const result = await extractDocument(await makeScannedPdf(1));
    assert.equal(result.method, 'vision');
    assert.equal(result.text, '');
    assert.equal(result.pages, 1);
    assert.equal(result.images?.length, 1);
    const [image] = result.images ?? [];
    assert.equal(image?.page, 1);
    assert.equal(image?.mediaType, 'image/png');
    // An A4 page (595×842 pt) scaled so that its longest side is 1568 px.
    assert.deepEqual(pngSize(image!.bytes), { width: 1109, height: 1568 });
  });

  it('keeps the text of the text pages and renders only the scanned page of a mixed PDF', async () => {
    const pdf = await makeScannedPdf(1, ['Cover letter: the marker sentence before the scanned invoice.']);
    const result = await extractDocument(pdf);
    assert.equal(result.method, 'pdf-text');
    assert.equal(result.pages, 2);
    assert.match(result.text, /the marker sentence before the scanned invoice/);
    assert.deepEqual(
      result.images?.map((image) => image.page),
      [2],
    );
  });

  it('keeps a short text on a page without anything else to render', async () => {
    const result = await extractDocument(await makeTextPdf(['Void']));
    assert.deepEqual(
      { text: result.text, method: result.method, images: result.images },
      {
        text: 'Void',
        method: 'pdf-text',
        images: undefined,
      },
    );
  });

  it(`renders at most ${DEFAULT_VISION_MAX_PAGES} scanned pages and counts the ones left out`, async () => {
    const result = await extractDocument(await makeScannedPdf(DEFAULT_VISION_MAX_PAGES + 2));
    assert.equal(result.images?.length, DEFAULT_VISION_MAX_PAGES);
    assert.equal(result.imagesOmitted, 2);
    assert.equal(result.pages, DEFAULT_VISION_MAX_PAGES + 2);
  });

  it('calls a password-protected PDF unreadable, reason encrypted', async () => {
    const error = await unreadable(await makeEncryptedPdf(), 'encrypted');
    assert.match(error.message, /password-protected/);
  });

  it('calls a PDF whose body is garbage unreadable, reason corrupt', async () => {
    const error = await unreadable(makeCorruptPdf(), 'corrupt');
    assert.match(error.message, /the PDF cannot be parsed/);
  });

  it('calls a PDF of blank pages unreadable, reason empty, and renders none of them', async () => {
    await unreadable(await makeBlankPdf(3), 'empty');
  });

  it("leaves the caller's bytes intact (the hash of the original is still the same)", async () => {
    const pdf = await makeTextPdf(['A page of text to hash']);
    const before = contentHash(pdf);
    await extractDocument(pdf);
    assert.equal(pdf.length > 0, true);
    assert.equal(contentHash(pdf), before);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTesseractOcr, extractDocument, type OcrEngine } from '../../src/extraction/index.js';
import { findTesseract } from '../helpers/required-tools.js';
import { makePng, makeScannedPdf } from './make-files.js';

// CI installs tesseract-ocr (scripts/setup.sh requires it there): the OCR tests never skip silently under CI.
const { tesseract, skip } = await findTesseract();

function engine(): OcrEngine {
  assert.ok(tesseract.available, tesseract.available ? '' : tesseract.reason);
  return tesseract.engine;
}

describe('OCR with tesseract', { skip }, () => {
  it('reads a scanned PDF page whose text is only an image, as method ocr', async () => {
    const result = await extractDocument(await makeScannedPdf(1), { ocr: engine() });
    assert.equal(result.method, 'ocr');
    assert.match(result.text, /SCANNED INVOICE/);
    assert.match(result.text, /120[.,]00 EUR/);
    assert.equal(result.ocrPages, 1);
    assert.equal(result.images, undefined, 'a page OCR read is not left for a vision model');
    assert.match(result.extractor, /^pdfjs-dist@[\d.]+\+tesseract@\d+\.\d+/);
  });

  it('keeps the text layer of a mixed PDF and adds the OCR text of its scanned page', async () => {
    const pdf = await makeScannedPdf(1, ['Cover letter: the marker sentence before the scanned invoice.']);
    const result = await extractDocument(pdf, { ocr: engine() });
    assert.equal(result.method, 'pdf-text');
    assert.match(result.text, /the marker sentence before the scanned invoice\.\n\n[\s\S]*SCANNED INVOICE/);
    assert.equal(result.ocrPages, 1);
  });

  it('reads a photo of a page as method ocr', async () => {
    const png = await makePng(['DELIVERY NOTE 4471', 'Twelve boxes of printer paper']);
    const result = await extractDocument(png, { ocr: engine() });
    assert.equal(result.method, 'ocr');
    assert.match(result.text, /DELIVERY NOTE 4471/);
    assert.match(result.extractor, /^tesseract@/);
  });

  it('leaves an image without legible text to the vision model', async () => {
    const blank = await makePng([], 400, 300);
    const result = await extractDocument(blank, { ocr: engine() });
    assert.equal(result.method, 'vision');
    assert.equal(result.images?.length, 1);
  });

  it('says what to install when a language is missing', async () => {
    const missing = await createTesseractOcr({ languages: 'eng+zzz' });
    assert.equal(missing.available, false);
    assert.match(missing.available ? '' : missing.reason, /no data for zzz .*apt-get install tesseract-ocr-zzz/);
  });
});

describe('OCR without tesseract', () => {
  it('says the command is missing and how to install it', async () => {
    const missing = await createTesseractOcr({ command: 'tesseract-not-installed-here' });
    assert.equal(missing.available, false);
    assert.match(missing.available ? '' : missing.reason, /not installed \(Debian: apt-get install tesseract-ocr\)/);
  });
});

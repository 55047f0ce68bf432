import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';

describe('the settings of files as documents', () => {
  it('default to a 20 MiB file limit, no vision model, no OCR and two extractions at once', () => {
    const config = loadConfig({});
    assert.equal(config.api.maxFileBytes, 20 * 1024 * 1024);
    assert.deepEqual(config.extraction, {
      vision: { model: undefined, maxPages: 10, maxPixels: 2_000_000, detail: 'high' },
      ocr: { engine: 'off', languages: 'eng' },
      concurrency: 2,
    });
  });

  it('are read from DOCKET_MAX_FILE_BYTES, DOCKET_VISION_*, DOCKET_OCR* and DOCKET_EXTRACTION_CONCURRENCY', () => {
    const config = loadConfig({
      DOCKET_MAX_FILE_BYTES: '1048576',
      DOCKET_VISION_MODEL: 'gpt-4.1',
      DOCKET_VISION_MAX_PAGES: '4',
      DOCKET_VISION_MAX_PIXELS: '1000000',
      DOCKET_VISION_DETAIL: 'low',
      DOCKET_OCR: 'tesseract',
      DOCKET_OCR_LANGUAGES: 'eng+deu',
      DOCKET_EXTRACTION_CONCURRENCY: '1',
    });
    assert.equal(config.api.maxFileBytes, 1024 * 1024);
    assert.deepEqual(config.extraction, {
      vision: { model: 'gpt-4.1', maxPages: 4, maxPixels: 1_000_000, detail: 'low' },
      ocr: { engine: 'tesseract', languages: 'eng+deu' },
      concurrency: 1,
    });
  });

  for (const [name, value] of [
    ['DOCKET_MAX_FILE_BYTES', '20MB'],
    ['DOCKET_VISION_MAX_PAGES', '0'],
    ['DOCKET_VISION_MAX_PIXELS', '100'],
    ['DOCKET_VISION_DETAIL', 'medium'],
    ['DOCKET_OCR', 'on'],
    ['DOCKET_OCR_LANGUAGES', 'eng deu'],
    ['DOCKET_EXTRACTION_CONCURRENCY', '0'],
  ] as const) {
    it(`refuses ${name}=${value}, naming the variable`, () => {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(name));
    });
  }
});

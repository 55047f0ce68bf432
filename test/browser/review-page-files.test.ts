import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { registerReviewPage } from '../../src/api/routes/review-page.js';
import { prepareDocumentFile, storeDocumentFile } from '../../src/documents/store-document-file.js';
import { documentWorkflowId, TASK_QUEUE } from '../../src/shared/names.js';
import type { ClassifyDocumentInput } from '../../src/shared/workflow-types.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { artifactPath, collectPageProblems, launchBrowser, serveApp, type ServedApp } from '../helpers/browser.js';
import { startDocket, TEST_TOKENS, testDocumentSettings, type DocketTestEnv } from '../helpers/docket.js';
import { makeScannedPdf, makeTextPdf } from '../extraction/make-files.js';

describe('the review page for a file document', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let served: ServedApp;
  let browser: Browser;

  /** Stores `bytes` as a file document, as the multipart API does, starts its workflow and waits for its review. */
  async function pendingFile(id: string, bytes: Uint8Array, fileName: string): Promise<void> {
    const file = await prepareDocumentFile({ bytes, fileName, id, taxonomy: 'default' }, env.config.api.maxFileBytes);
    assert.equal((await storeDocumentFile(env.pool, file)).outcome, 'created');
    const input: ClassifyDocumentInput = { ...testDocumentSettings(), documentId: id, fromFile: true };
    await env.client.workflow.start('classifyDocumentWorkflow', {
      workflowId: documentWorkflowId(id),
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    await api.waitForStatus(id, 'pending_review');
  }

  before(async () => {
    env = await startDocket();
    api = testApi(env);
    registerReviewPage(api.app, { config: env.config });
    [served, browser] = await Promise.all([serveApp(api.app), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await env?.stop();
  });

  it("shows an unreadable scan's file name and its page image, and a readable PDF's method and extractor", async () => {
    const readable = `files-readable-${process.pid}`;
    env.sim.addRule({ match: readable, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    await pendingFile(readable, await makeTextPdf([`${readable}: the quarterly supplier contract.`]), 'contract.pdf');
    const scan = `files-scan-${process.pid}`;
    const scanBytes = await makeScannedPdf(1);
    await pendingFile(scan, scanBytes, 'scanned-invoice.pdf');

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    try {
      await page.goto(`${served.url}/review`);
      await page.getByLabel('Reviewer token').fill(TEST_TOKENS.reviewer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const list = page.getByRole('navigation', { name: 'Documents waiting for review' });

      // The readable PDF (the oldest, shown first): its name, how it was read and by what; no page images.
      const detail = page.locator('#detail');
      await detail.locator('#file-name', { hasText: 'contract.pdf' }).waitFor();
      const facts = (await detail.locator('#file-facts').textContent()) ?? '';
      assert.match(facts, /application\/pdf/);
      assert.match(facts, /read as pdf-text/);
      assert.match(facts, /by pdfjs-dist@\d+\.\d+/);
      assert.equal(await detail.locator('img.page-image').count(), 0);

      // The scan: unreadable without a vision model, so the page shows the page image, not an empty text.
      await list.getByRole('button', { name: scan }).click();
      await detail.locator('#file-name', { hasText: 'scanned-invoice.pdf' }).waitFor();
      assert.match((await detail.locator('.meta').textContent()) ?? '', /Unreadable file/);
      assert.match((await detail.locator('#file-unreadable').textContent()) ?? '', /no vision model/);
      assert.match((await detail.locator('pre').textContent()) ?? '', /No text could be read from this file/);
      const image = detail.getByRole('img', { name: /^Page image 1 of scanned-invoice\.pdf/ });
      await image.waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('img.page-image');
        return img !== null && img.complete && img.naturalWidth > 0;
      });
      const size = await image.evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
      assert.ok(size.w > 0 && size.h > 0, JSON.stringify(size));
      await page.screenshot({ path: artifactPath('review-page-unreadable-scan.png') });

      // The original, fetched with the token, is handed to the browser as a download under its own name.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        detail.getByRole('button', { name: 'Download the original' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), 'scanned-invoice.pdf');
      assert.deepEqual(new Uint8Array(await readFile(await download.path())), scanBytes);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { registerReviewPage } from '../../src/api/routes/review-page.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { artifactPath, collectPageProblems, launchBrowser, serveApp, type ServedApp } from '../helpers/browser.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';

describe('an audit on the review page', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let served: ServedApp;
  let browser: Browser;

  before(async () => {
    env = await startDocket({ env: { DOCKET_AUDIT_RATE: '1' } });
    api = testApi(env);
    registerReviewPage(api.app, { config: env.config });
    [served, browser] = await Promise.all([serveApp(api.app), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await env?.stop();
  });

  it('lists a completed document’s audit and corrects it with a click', async () => {
    const id = `page-audit-${Date.now()}`;
    await api.submit({ id, text: `${id} the contract clause limits liability under GDPR` });
    await api.waitForStatus(id, 'completed');
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    try {
      await page.goto(`${served.url}/review`);
      await page.getByLabel('Reviewer token').fill(TEST_TOKENS.reviewer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const detail = page.locator('#detail');
      await detail.getByRole('heading', { level: 2, name: id }).waitFor();
      assert.match((await detail.locator('.meta').textContent()) ?? '', /Audit: a confident result, already stored/);
      assert.equal(await detail.locator('#suggested-category').textContent(), 'legal');
      await page.screenshot({ path: artifactPath('review-page-audit.png') });

      await detail.locator('button[data-category="business"]').click();
      await page.getByText(`Decided ${id}: business — by ann`).waitFor();
      await page.getByRole('heading', { name: 'Nothing to review' }).waitFor();
      const doc = await api.get(id);
      assert.deepEqual([doc.result?.category, doc.result?.decidedBy], ['business', 'human']);
      assert.deepEqual(
        doc.history?.map((v) => [v.category, v.decidedBy]),
        [['legal', 'model']],
      );
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

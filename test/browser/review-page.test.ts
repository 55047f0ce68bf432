import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { registerReviewPage } from '../../src/api/routes/review-page.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { artifactPath, collectPageProblems, launchBrowser, serveApp, type ServedApp } from '../helpers/browser.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';

const DESKTOP = { width: 1440, height: 900 };

describe('the review page', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let served: ServedApp;
  let browser: Browser;
  let n = 0;

  /** A document the model is unsure about: it waits in pending_review with a suggestion. */
  async function pendingDocument(text: string, metadata?: Record<string, unknown>): Promise<string> {
    const id = `page-${++n}-${Date.now()}`;
    env.sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    await api.submit({ id, text: `${id} ${text}`, ...(metadata ? { metadata } : {}) });
    await api.waitForStatus(id, 'pending_review');
    return id;
  }

  const storedDecision = async (id: string) =>
    (
      await env.pool.query(
        'SELECT category, decided_by, reviewer, review_note FROM classifications WHERE document_id = $1',
        [id],
      )
    ).rows;

  /** A fresh browser context (no session storage carried over) with the page open. */
  async function openPage(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    await page.goto(`${served.url}/review`);
    return { context, page, problems };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.getByLabel('Reviewer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
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

  it('is served as UTF-8 HTML with a strict Content-Security-Policy and a fresh nonce per response', async () => {
    const [first, second] = await Promise.all([fetch(`${served.url}/review`), fetch(`${served.url}/review`)]);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = first.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.notEqual(csp, second.headers.get('content-security-policy'));
    const html = await first.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && html.includes(`<script nonce="${nonce}">`));
    // Self-contained: the only absolute URL is the link to the Temporal Web UI.
    const urls = html.match(/(?:src|href)="(?:https?:)?\/\/[^"]*"/g) ?? [];
    assert.deepEqual(
      urls.filter((u) => !u.startsWith(`href="${env.config.webUiUrl}/`)),
      [],
    );
  });

  it('tells a person when the token is wrong or may not review', async () => {
    const { context, page, problems } = await openPage();
    try {
      await signIn(page, 'not-a-real-token');
      const error = page.getByRole('alert').filter({ hasText: 'not valid' });
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /That token is not valid \(401\)/);
      await page.screenshot({ path: artifactPath('review-page-wrong-token.png') });

      await signIn(page, TEST_TOKENS.submitter);
      const forbidden = page.getByRole('alert').filter({ hasText: '403' });
      await forbidden.waitFor();
      assert.match((await forbidden.textContent()) ?? '', /may not review documents \(403\).*submitter/);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('docket.review.token')), null);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('lets a reviewer decide one document with a click and a note and another with a number key', async () => {
    // Submitted from a folder: named by its file, and longer than the excerpt the queue sends.
    const tail = 'THE LAST SENTENCE OF THE CONTRACT.';
    const first = await pendingDocument(
      `the contract clause limits liability under GDPR. ${'Each party keeps its own costs. '.repeat(40)}${tail}`,
      { path: 'inbox/contract.txt' },
    );
    const second = await pendingDocument(
      '<img src=x onerror="window.pwned=1"><b>launch</b> campaign for the new product',
    );
    const { context, page, problems } = await openPage();
    try {
      await signIn(page, TEST_TOKENS.reviewer);
      const list = page.getByRole('navigation', { name: 'Documents waiting for review' });
      await list.getByRole('button', { name: second }).waitFor();
      assert.equal(await page.locator('#who').textContent(), 'Signed in as ann', 'who is signed in, at once');
      await list.getByRole('button', { name: 'inbox/contract.txt' }).waitFor();
      assert.equal(await list.getByRole('button').count(), 2);
      assert.equal(await page.locator('#queue-count').textContent(), '2 waiting');

      // The oldest document is shown first, with the model's suggestion and the reason in words.
      const detail = page.locator('#detail');
      assert.equal(await detail.getByRole('heading', { level: 2 }).textContent(), 'inbox/contract.txt');
      assert.equal(await detail.locator('.doc-id').textContent(), first);
      // The queue sent an excerpt; the whole text is fetched once the document is open.
      await detail.locator('pre', { hasText: tail }).waitFor();
      const suggestion = (await api.get(first)).review?.suggestion;
      assert.ok(suggestion);
      assert.equal(await detail.locator('#suggested-category').textContent(), suggestion.category);
      assert.equal(await detail.getByRole('img', { name: 'Confidence 25%' }).count(), 1);
      assert.match((await detail.locator('.meta').textContent()) ?? '', /Model unsure/);
      assert.match((await detail.locator('pre').textContent()) ?? '', /contract clause limits liability/);
      const webUi = detail.getByRole('link', { name: 'Open in Temporal Web UI' });
      assert.equal(await webUi.getAttribute('target'), '_blank');
      assert.match((await webUi.getAttribute('href')) ?? '', new RegExp(`/workflows/classify-${first}$`));
      await page.screenshot({ path: artifactPath('review-page-queue.png') });

      await page.getByLabel('Note (optional)').fill('an indemnity clause: legal, not business');
      await detail.locator('button[data-category="legal"]').click();
      await page.getByText('Decided inbox/contract.txt: legal — by ann').waitFor();

      // The second document moves up; its markup-looking text is shown as text, never parsed.
      await detail.getByRole('heading', { level: 2, name: second }).waitFor();
      assert.match(
        (await detail.locator('pre').textContent()) ?? '',
        /<img src=x onerror="window\.pwned=1"><b>launch<\/b>/,
      );
      assert.equal(await detail.locator('pre img, pre b').count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
      await page.screenshot({ path: artifactPath('review-page-second.png') });

      const categories = env.config.taxonomies.find((t) => t.name === 'default')?.categories ?? [];
      const key = categories.indexOf('marketing') + 1;
      assert.ok(key > 0);
      await page.keyboard.press(String(key));
      await page.getByText(`Decided ${second}: marketing — by ann`).waitFor();
      await page.getByRole('heading', { name: 'Nothing to review' }).waitFor();
      assert.equal(await page.locator('#who').textContent(), 'Signed in as ann');
      await page.screenshot({ path: artifactPath('review-page-empty.png') });

      const [a, b] = await Promise.all([api.get(first), api.get(second)]);
      assert.equal(a.status, 'completed');
      assert.deepEqual([a.result?.category, a.result?.decidedBy, a.result?.reviewer], ['legal', 'human', 'ann']);
      assert.deepEqual([b.result?.category, b.result?.decidedBy, b.result?.reviewer], ['marketing', 'human', 'ann']);
      assert.deepEqual(await storedDecision(first), [
        {
          category: 'legal',
          decided_by: 'human',
          reviewer: 'ann',
          review_note: 'an indemnity clause: legal, not business',
        },
      ]);
      assert.deepEqual(await storedDecision(second), [
        { category: 'marketing', decided_by: 'human', reviewer: 'ann', review_note: null },
      ]);

      // The token lives in this tab's session storage: a reload stays signed in, signing out forgets it.
      await page.reload();
      await page.getByRole('heading', { name: 'Nothing to review' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Reviewer token').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('docket.review.token')), null);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('says when someone else decided first, and accepts the suggestion with Enter', async () => {
    const taken = await pendingDocument('the contract clause limits liability under GDPR');
    const accepted = await pendingDocument('quarterly revenue and the sales pipeline grew');
    const { context, page, problems } = await openPage({ width: 390, height: 844 });
    try {
      await signIn(page, TEST_TOKENS.reviewer);
      await page.getByRole('button', { name: accepted }).waitFor();
      await page.screenshot({ path: artifactPath('review-page-narrow.png'), fullPage: true });

      assert.equal((await api.review(taken, { category: 'other' })).status, 200);
      await page.locator('#detail').locator('button[data-category="legal"]').click();
      await page.getByText(`${taken}: someone else decided this already`).waitFor();
      assert.equal((await storedDecision(taken))[0]?.category, 'other');

      await page.locator('#detail').getByRole('heading', { level: 2, name: accepted }).waitFor();
      const suggested = (await api.get(accepted)).review?.suggestion?.category;
      assert.ok(suggested);
      await page.keyboard.press('Enter');
      await page.getByText(`Decided ${accepted}: ${suggested} — by ann`).waitFor();
      assert.deepEqual((await storedDecision(accepted))[0]?.category, suggested);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

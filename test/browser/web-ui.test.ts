import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/api/app.js';
import type { DocumentView } from '../../src/documents/schemas.js';
import { registerReviewPage } from '../../src/api/routes/review-page.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger } from '../../src/logger.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { bundleWorkflows, createWorkers, type DocketWorkers } from '../../src/worker/create-workers.js';
import { installRuntime } from '../../src/worker/runtime.js';
import { artifactPath, launchBrowser, serveApp, startTemporalWithWebUi, type ServedApp } from '../helpers/browser.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_TOKENS, TEST_TOKENS_ENV } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

// startDocket's Temporal server runs without the Web UI, so this file assembles the same pieces around one with it.
describe('the Temporal Web UI', () => {
  let temporal: TestWorkflowEnvironment;
  let webUiUrl: string;
  let db: TestDatabase;
  let sim: Simulator;
  let pool: Pool;
  let config: Config;
  let workers: DocketWorkers & { done: Promise<void> };
  let app: ReturnType<typeof createApp>;
  let browser: Browser;
  let served: ServedApp;

  before(async () => {
    installRuntime('silent');
    [{ temporal, webUiUrl }, db, sim, browser] = await Promise.all([
      startTemporalWithWebUi(),
      defaultDatabaseKind().then(startTestDatabase),
      startSimulator({}),
      launchBrowser(),
    ]);
    config = loadConfig({
      TEMPORAL_ADDRESS: temporal.address,
      DATABASE_URL: db.url,
      OPENAI_BASE_URL: sim.baseUrl,
      OPENAI_API_KEY: 'sk-docket-test',
      DOCKET_API_TOKENS: TEST_TOKENS_ENV,
      DOCKET_WEB_UI_URL: webUiUrl,
      DOCKET_LLM_TIMEOUT_MS: '5000',
    });
    pool = createPool(db.url);
    const logger = createLogger({ level: 'silent' });
    const created = await createWorkers({
      connection: temporal.nativeConnection,
      config,
      pool,
      openai: createOpenAIClient({ ...config.openai }),
      logger,
      workflowBundle: await bundleWorkflows(),
    });
    workers = { ...created, done: created.run() };
    app = createApp({ pool, client: temporal.client, config, logger });
    registerReviewPage(app, { config });
    served = await serveApp(app);
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    workers?.shutdown();
    await workers?.done.catch(() => undefined);
    await pool?.end();
    await Promise.allSettled([temporal?.teardown(), sim?.close(), db?.close()]);
  });

  const call = (path: string, token: string, body?: unknown) =>
    app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  async function submitAndWait(id: string, text: string, status: string): Promise<DocumentView> {
    const res = await call('/v1/documents', TEST_TOKENS.submitter, { id, text });
    assert.equal(res.status, 202, await res.clone().text());
    return waitFor(
      async () => (await (await call(`/v1/documents/${id}`, TEST_TOKENS.admin)).json()) as DocumentView,
      (d) => d.status === status,
    );
  }

  it("lists a document waiting for review under DocketStatus='pending_review'", async () => {
    const pending = `webui-pending-${Date.now()}`;
    const done = `webui-done-${Date.now()}`;
    sim.addRule({ match: pending, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    const [view] = await Promise.all([
      submitAndWait(pending, `${pending} the contract clause limits liability under GDPR`, 'pending_review'),
      submitAndWait(done, `${done} revenue and sales grew this quarter`, 'completed'),
    ]);
    // The API's links point at this Web UI.
    assert.equal(view.workflowUrl, `${webUiUrl}/namespaces/default/workflows/classify-${pending}`);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await context.newPage();
      const query = encodeURIComponent("DocketStatus='pending_review'");
      await page.goto(`${webUiUrl}/namespaces/default/workflows?query=${query}`);
      // A single-page app: give it time to load and list.
      const row = page.getByText(`classify-${pending}`, { exact: true }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await page.screenshot({ path: artifactPath('web-ui-pending-review.png') });
      assert.ok(await row.isVisible());
      assert.equal(await page.getByText(`classify-${done}`).count(), 0);
    } finally {
      await context.close();
    }
  });

  it("opens a document's workflow from the review page's link", async () => {
    const id = `webui-link-${Date.now()}`;
    sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    await submitAndWait(id, `${id} the contract clause limits liability under GDPR`, 'pending_review');

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${served.url}/review`);
      await page.getByLabel('Reviewer token').fill(TEST_TOKENS.reviewer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByRole('navigation', { name: 'Documents waiting for review' })
        .getByRole('button', { name: id })
        .click();
      const [workflowPage] = await Promise.all([
        context.waitForEvent('page'),
        page.locator('#detail').getByRole('link', { name: 'Open in Temporal Web UI' }).click(),
      ]);
      const workflowUrl = `${webUiUrl}/namespaces/default/workflows/classify-${id}`;
      await workflowPage.waitForURL((url) => url.href.startsWith(workflowUrl));
      await workflowPage.getByText(`classify-${id}`).first().waitFor({ state: 'visible', timeout: 30_000 });
      await workflowPage.screenshot({ path: artifactPath('web-ui-workflow-from-review-page.png') });
    } finally {
      await context.close();
    }
  });
});

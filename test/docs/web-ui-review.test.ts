import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../src/api/app.js';
import type { DocumentView } from '../../src/documents/schemas.js';
import { loadConfig } from '../../src/config.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger } from '../../src/logger.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { bundleWorkflows, createWorkers, type DocketWorkers } from '../../src/worker/create-workers.js';
import { installRuntime } from '../../src/worker/runtime.js';
import { artifactPath, launchBrowser, startTemporalWithWebUi } from '../helpers/browser.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_TOKENS, TEST_TOKENS_ENV } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

// docs/working-from-temporal.md tells reviewers to decide from the Web UI's "Send an Update" dialog in a given order
// (name, data, Update ID, Submit) because the dialog takes the data only once its field loses focus: Submit
// clicked straight from the data field sends nothing. This file follows those steps in the real Web UI.
describe('deciding a review from the Temporal Web UI, as docs/working-from-temporal.md says', () => {
  let temporal: TestWorkflowEnvironment;
  let webUiUrl: string;
  let db: TestDatabase;
  let sim: Simulator;
  let pool: Pool;
  let workers: DocketWorkers & { done: Promise<void> };
  let app: ReturnType<typeof createApp>;
  let browser: Browser;

  before(async () => {
    installRuntime('silent');
    [{ temporal, webUiUrl }, db, sim, browser] = await Promise.all([
      startTemporalWithWebUi(),
      defaultDatabaseKind().then(startTestDatabase),
      startSimulator({}),
      launchBrowser(),
    ]);
    const config = loadConfig({
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
  });
  after(async () => {
    await browser?.close();
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
  const getDocument = async (id: string) =>
    (await (await call(`/v1/documents/${id}`, TEST_TOKENS.admin)).json()) as DocumentView;

  /** Opens the workflow's "Send an Update" dialog and fills in the name and data of the documented steps. */
  async function fillUpdateDialog(page: Page, id: string) {
    await page.goto(`${webUiUrl}/namespaces/default/workflows/classify-${id}`);
    await page.getByRole('button', { name: 'More Actions' }).first().click({ timeout: 30_000 });
    await page.getByRole('menuitem', { name: 'Send an Update' }).click();
    const dialog = page.locator('dialog[open]').filter({ hasText: 'Send an Update' });
    await dialog.locator('#update-select').click({ force: true });
    await page.getByText('submitReview', { exact: true }).locator('visible=true').first().click();
    await dialog.locator('textarea, [contenteditable="true"], .cm-content').first().click();
    await page.keyboard.type('{"category": "legal", "reviewer": "alice", "note": "indemnity clause"}');
    return dialog;
  }

  it('sends nothing on Submit straight from the data field, and decides the review once the Update ID is filled in', async () => {
    const id = `webui-update-${Date.now()}`;
    sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.25 }] });
    const res = await call('/v1/documents', TEST_TOKENS.submitter, { id, text: `${id} the indemnity clause` });
    assert.equal(res.status, 202, await res.clone().text());
    await waitFor(
      () => getDocument(id),
      (d) => d.status === 'pending_review',
    );

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await context.newPage();
      const updates: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/update/')) updates.push(r.url());
      });
      const dialog = await fillUpdateDialog(page, id);
      const submit = dialog.getByRole('button', { name: 'Submit', exact: true });

      // Straight from the data field: Submit sends nothing, the dialog stays open and the document keeps waiting.
      await submit.click();
      await page.waitForTimeout(3000);
      assert.deepEqual(updates, []);
      assert.ok(await dialog.isVisible());
      assert.equal((await getDocument(id)).status, 'pending_review');

      // The documented next step: fill in the Update ID, then Submit (once).
      await dialog.getByRole('button', { name: 'Random UUID' }).click();
      await submit.click();
      const decided = await waitFor(
        () => getDocument(id),
        (d) => d.status === 'completed',
      );
      await page.screenshot({ path: artifactPath('web-ui-update-decided.png') });
      assert.equal(updates.length, 1);
      assert.equal(decided.result?.category, 'legal');
      assert.equal(decided.result?.decidedBy, 'human');
      assert.equal(decided.result?.reviewer, 'alice');
    } finally {
      await context.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection } from '@temporalio/worker';
import type { Browser, BrowserContext } from 'playwright-core';
import { createApp } from '../../src/api/app.js';
import type { DocumentView } from '../../src/documents/schemas.js';
import { registerReviewPage } from '../../src/api/routes/review-page.js';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { loadConfig } from '../../src/config.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { createLogger } from '../../src/logger.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { connectClient, connectWorker } from '../../src/temporal-connection.js';
import { bundleWorkflows, createWorkers, type DocketWorkers } from '../../src/worker/create-workers.js';
import { installRuntime } from '../../src/worker/runtime.js';
import {
  artifactPath,
  freePort,
  launchBrowser,
  serveApp,
  startTemporalWithWebUi,
  type ServedApp,
} from '../helpers/browser.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_TOKENS, TEST_TOKENS_ENV, testPayloadKeysEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const MARKER = 'CODECMARKER-5d2e-decoded';

// The Web UI calls the codec from the browser: the API is served on a port chosen before the UI starts, so that the
// dev server can be given `--ui-codec-endpoint` as `npm start` gives it.
describe("the Temporal Web UI through Docket's codec endpoint", () => {
  let temporal: TestWorkflowEnvironment;
  let webUiUrl: string;
  let db: TestDatabase;
  let sim: Simulator;
  let pool: Pool;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let workers: DocketWorkers & { done: Promise<void> };
  let app: ReturnType<typeof createApp>;
  let browser: Browser;
  let served: ServedApp;
  let workflowId: string;

  before(async () => {
    installRuntime('silent');
    const apiPort = await freePort();
    const codecEndpoint = `http://127.0.0.1:${apiPort}/codec`;
    [{ temporal, webUiUrl }, db, sim, browser] = await Promise.all([
      startTemporalWithWebUi({ codecEndpoint }),
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
      DOCKET_PAYLOAD_KEYS: testPayloadKeysEnv(),
    });
    pool = createPool(db.url);
    const logger = createLogger({ level: 'silent' });
    let client;
    [{ connection, client }, nativeConnection] = await Promise.all([
      connectClient(config.temporal, { dataConverter: createDataConverter(config.payload) }),
      connectWorker(config.temporal),
    ]);
    const created = await createWorkers({
      connection: nativeConnection,
      config,
      pool,
      openai: createOpenAIClient({ ...config.openai }),
      logger,
      workflowBundle: await bundleWorkflows(),
    });
    workers = { ...created, done: created.run() };
    app = createApp({ pool, client, config, logger });
    registerReviewPage(app, { config });
    served = await serveApp(app, apiPort);

    // A completed document whose model output holds the marker.
    const id = `codec-ui-${Date.now()}`;
    sim.addRule({ match: id, faults: [{ kind: 'low_confidence', confidence: 0.9, reasoning: `it reads ${MARKER}` }] });
    const submitted = await app.request('/v1/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, text: `${id} revenue and sales grew this quarter` }),
    });
    assert.equal(submitted.status, 202, await submitted.text());
    await waitFor(
      async () =>
        (await (
          await app.request(`/v1/documents/${id}`, { headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })
        ).json()) as DocumentView,
      (d) => d.status === 'completed',
    );
    workflowId = `classify-${id}`;
    await client.workflow.getHandle(workflowId).result();
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    workers?.shutdown();
    await workers?.done.catch(() => undefined);
    await Promise.allSettled([connection?.close(), nativeConnection?.close()]);
    await pool?.end();
    await Promise.allSettled([temporal?.teardown(), sim?.close(), db?.close()]);
  });

  /**
   * A browser whose Web UI sends credentials to the codec: the UI's Codec Server settings ("use my browser setting",
   * the endpoint, "include cross-origin credentials"), which `temporal server start-dev` cannot set for it.
   */
  async function browserWithCodecSettings(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.addInitScript(
      ([origin, endpoint]) => {
        if (window.location.origin !== origin) return;
        window.localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
        window.localStorage.setItem('endpoint', JSON.stringify(endpoint));
        window.localStorage.setItem('includeCredentials', 'true');
      },
      [new URL(webUiUrl).origin, `${served.url}/codec`] as const,
    );
    return context;
  }

  async function openWorkflow(context: BrowserContext, screenshot: string) {
    const page = await context.newPage();
    const codecAnswers: number[] = [];
    page.on('response', (res) => {
      if (res.url().startsWith(`${served.url}/codec/decode`) && res.request().method() === 'POST') {
        codecAnswers.push(res.status());
      }
    });
    await page.goto(`${webUiUrl}/namespaces/default/workflows/${workflowId}`);
    await page.getByText(workflowId).first().waitFor({ state: 'visible', timeout: 30_000 });
    return {
      page,
      codecAnswers,
      screenshot: () => page.screenshot({ path: artifactPath(screenshot), fullPage: true }),
    };
  }

  it("shows a completed document's decoded result to a reviewer signed in on the review page", async () => {
    const context = await browserWithCodecSettings();
    try {
      const review = await context.newPage();
      await review.goto(`${served.url}/review`);
      await review.getByLabel('Reviewer token').fill(TEST_TOKENS.reviewer);
      await review.getByRole('button', { name: 'Sign in' }).click();
      await review.getByText(/Signed in/).waitFor({ state: 'visible' });

      const { page, codecAnswers, screenshot } = await openWorkflow(context, 'web-ui-codec-decoded.png');
      await page.getByText(MARKER).first().waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot();
      assert.ok(codecAnswers.includes(200), `codec answers: ${codecAnswers.join(', ')}`);
    } finally {
      await context.close();
    }
  });

  it('shows only ciphertext without a codec session', async () => {
    const context = await browserWithCodecSettings();
    try {
      const { page, codecAnswers, screenshot } = await openWorkflow(context, 'web-ui-codec-ciphertext.png');
      await waitFor(
        async () => codecAnswers,
        (answers) => answers.length > 0,
      );
      // The UI says the codec refused it and prints the result as it is stored: base64 ciphertext.
      const shown = await waitFor(
        () => page.locator('body').innerText(),
        (text) => text.includes('Codec Server could not connect') && /Result\s+"[A-Za-z0-9+/]{200,}={0,2}"/.test(text),
      );
      await screenshot();
      assert.ok(!shown.includes('"category"'), 'no decoded field is shown');
      assert.ok(
        codecAnswers.every((status) => status === 401),
        `codec answers: ${codecAnswers.join(', ')}`,
      );
      assert.equal(await page.getByText(MARKER).count(), 0);
    } finally {
      await context.close();
    }
  });
});

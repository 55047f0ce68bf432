import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { SA } from '../../src/shared/search-attributes.js';

/** Debian's Chromium; browsers are never downloaded (`npx playwright install` is not used). */
export const CHROMIUM_PATH = process.env.DOCKET_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, and quiet on a closed network: no updates, sync or background requests. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots and other artefacts a person looks at after a run (gitignored). */
export const ARTIFACTS_DIR = 'test-artifacts';

/** The path of an artefact under test-artifacts/, creating the folder. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/** Launches headless Chromium; give each test a fresh context (`browser.newContext()`). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Uncaught errors and Content-Security-Policy violations a page reports; a test asserts there are none. */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content.Security.Policy|Trusted Type/i.test(msg.text())) problems.push(msg.text());
  });
  return problems;
}

export interface ServedApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Serves a fetch handler (a Hono app) over real HTTP on 127.0.0.1 (a free port unless `port`), for a browser. */
export function serveApp(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  port = 0,
): Promise<ServedApp> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}

/** A free TCP port on 127.0.0.1 (for servers that need the number up front, like the Temporal Web UI). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A Temporal dev server like test/helpers/temporal.ts starts, with its Web UI on a free port, pointed at
 * `codecEndpoint` (`--ui-codec-endpoint`) when given.
 * @returns the environment and the Web UI's base URL
 */
export async function startTemporalWithWebUi(
  options: { codecEndpoint?: string } = {},
): Promise<{ temporal: TestWorkflowEnvironment; webUiUrl: string }> {
  const uiPort = await freePort();
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalCli() },
      ip: '127.0.0.1',
      ui: true,
      uiPort,
      searchAttributes: Object.values(SA),
      extraArgs: [
        '--dynamic-config-value',
        'frontend.enableUpdateWorkflowExecution=true',
        ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
      ],
    },
  });
  return { temporal, webUiUrl: `http://127.0.0.1:${uiPort}` };
}

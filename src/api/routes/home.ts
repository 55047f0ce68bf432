import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { REVIEW_PAGE_PATH } from './review-page.js';
import type { ApiApp, AppDeps } from '../openapi.js';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The links of the home page: [label, href, what it is]. */
export function homeLinks(config: Config): [string, string, string][] {
  return [
    ['Review page', REVIEW_PAGE_PATH, 'decide the documents that wait for a person (needs a reviewer token)'],
    [
      'Temporal Web UI',
      config.webUiUrl,
      'every document is a workflow: its history, its status, its search attributes',
    ],
    ['API documentation', '/openapi.json', 'the OpenAPI document of every route'],
    ['Health', '/healthz', 'whether the API reaches Temporal and the database'],
    ...(config.metricsAddress
      ? ([
          [
            'Metrics',
            `http://${config.metricsAddress.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}/metrics`,
            'Prometheus metrics of the worker',
          ],
        ] as [string, string, string][])
      : []),
  ];
}

function page(config: Config, nonce: string): string {
  const items = homeLinks(config)
    .map(
      ([label, href, what]) => `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a> — ${escapeHtml(what)}</li>`,
    )
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Docket</title>
    <style nonce="${nonce}">
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
      li { margin: 0.4rem 0; }
      code { background: #f2f2f2; padding: 0 0.25rem; }
    </style>
  </head>
  <body>
    <h1>Docket</h1>
    <p>Durable LLM document classification. Submit with <code>npx docket submit &lt;file or folder&gt; --wait</code>.</p>
    <ul>
      ${items}
    </ul>
  </body>
</html>
`;
}

/** Serves `GET /`: a small page of links (review page, Temporal Web UI, API documentation, health, metrics). */
export function registerHome(app: ApiApp, deps: Pick<AppDeps, 'config'>): void {
  app.get('/', (c) => {
    const nonce = randomBytes(16).toString('base64');
    return c.body(page(deps.config, nonce), 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });
}

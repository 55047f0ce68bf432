import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../../config.js';
import { workflowListUrl } from '../../documents/web-ui.js';
import { SEARCH_ATTRIBUTES } from '../../shared/search-attributes.js';
import { DOCUMENT_STATUS } from '../../shared/status.js';
import type { ApiApp } from '../openapi.js';

/** Where the review page is served. */
export const REVIEW_PAGE_PATH = '/review';

/** The page's HTML, CSS and script, beside this module (they run from src/ through tsx, like the rest of the API). */
const ASSETS = new URL('./review-page/', import.meta.url);
const NONCE = '{{nonce}}';

export interface ReviewPageDeps {
  /** Supplies the Temporal Web UI address and namespace (links) and the confidence threshold (the bar's mark). */
  config: Config;
}

const escapeAttribute = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The page with everything but the nonce filled in, split at each nonce. */
function pageParts(config: Config): string[] {
  const read = (name: string) => readFileSync(new URL(name, ASSETS), 'utf8');
  const css = read('review.css');
  const js = read('review.js');
  // Inlined text must not end its own element early.
  if (/<\/style/i.test(css) || /<\/script|<!--/i.test(js)) {
    throw new Error('review page assets must not close their element');
  }
  const queueQuery = `${SEARCH_ATTRIBUTES.status}='${DOCUMENT_STATUS.pendingReview}'`;
  const values: Record<string, string> = {
    css,
    js,
    threshold: escapeAttribute(String(config.llm.confidenceThreshold)),
    webUiQueueUrl: escapeAttribute(workflowListUrl(config, queueQuery)),
  };
  const html = read('review.html')
    .replace(/^\s*<!-- prettier-ignore -->\n/gm, '')
    .replace(/\{\{(css|js|threshold|webUiQueueUrl)\}\}/g, (_, key: string) => values[key] ?? '');
  return html.split(NONCE);
}

/**
 * Every response gets a fresh nonce: only the page's own inline style and script run, the script may only call this
 * origin, and Trusted Types forbid HTML sinks (document content is never parsed as HTML).
 */
function securityHeaders(nonce: string): Record<string, string> {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/**
 * Serves the human review page at `GET /review`: a static, self-contained page (inline CSS and script, no external
 * URLs) that needs no token itself; every piece of data comes from the API with the reviewer's bearer token.
 * The assets are read once, here, so a missing file stops the API at start-up rather than at the first request.
 */
export function registerReviewPage(app: ApiApp, deps: ReviewPageDeps): void {
  const parts = pageParts(deps.config);
  app.get(REVIEW_PAGE_PATH, (c) => {
    const nonce = randomBytes(16).toString('base64');
    return c.body(parts.join(nonce), 200, securityHeaders(nonce));
  });
  app.get(`${REVIEW_PAGE_PATH}/`, (c) => c.redirect(REVIEW_PAGE_PATH, 308));
}

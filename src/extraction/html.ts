import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { libraryTag } from './library-version.js';
import { normalizeText } from './normalize-text.js';
import type { ExtractedDocument } from './types.js';

const CHARSET = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i;

/**
 * The main content of an HTML page with Mozilla's Readability (Firefox's reader view) on a linkedom DOM:
 * navigation, menus, footers and sidebars are left out. A page too short for Readability to find an article
 * gives its whole body text instead.
 */
export function extractHtml(bytes: Uint8Array): ExtractedDocument {
  const { document } = parseHTML(decodeHtml(bytes));
  const fallback = document.body?.textContent ?? document.documentElement?.textContent ?? '';
  // Readability rewrites the DOM it reads: take the fallback text first.
  const article = new Readability(document as unknown as Document).parse();
  const title = article?.title?.trim();
  const body = article?.textContent?.trim() ? article.textContent : fallback;
  const text = normalizeText(body);
  return {
    text: title && !text.startsWith(title) ? `${title}\n\n${text}` : text,
    method: 'html',
    extractor: `${libraryTag('@mozilla/readability')}+${libraryTag('linkedom')}`,
    mediaType: 'text/html',
  };
}

/** HTML in the charset its `<meta>` declares (UTF-8 when none or an unknown one). */
function decodeHtml(bytes: Uint8Array): string {
  const declared = CHARSET.exec(new TextDecoder('latin1').decode(bytes.subarray(0, 2048)))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

import { createHash } from 'node:crypto';
import { DocketApiError, type DocketClient, type DocumentView } from '../client/docket-client.js';
import type { InputDocument, InputFile } from './inputs.js';

/** Past this many documents the CLI submits without looking them up first (the server never calls twice anyway). */
export const KNOWN_CHECK_LIMIT = 2000;
const LOOKUP_CONCURRENCY = 8;

/**
 * The id the API derives for a document submitted without one (`derivedDocumentId` in src/api/documents.ts, repeated
 * so that the CLI loads no server code; test/cli/first-hour.test.ts checks that both agree).
 */
export function derivedId(text: string, taxonomy: string): string {
  return `doc-${createHash('sha256').update(`${taxonomy}\0${text}`, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * The id the API derives for a file submitted without one (`derivedFileDocumentId` in
 * src/documents/store-document-file.ts, repeated for the same reason as {@link derivedId}), from the SHA-256 of its
 * bytes.
 */
export function derivedFileId(fileHash: string, taxonomy: string): string {
  return `doc-${createHash('sha256').update(`${taxonomy}\0file\0${fileHash}`, 'utf8').digest('hex').slice(0, 32)}`;
}

/** The id the API derives for a text document or a file submitted without an id. */
export function derivedIdOf(doc: InputDocument | InputFile, taxonomy: string): string {
  return 'text' in doc ? derivedId(doc.text, taxonomy) : derivedFileId(doc.contentHash, taxonomy);
}

export interface KnownDocument<D = InputDocument | InputFile> {
  doc: D;
  view: DocumentView;
}

/**
 * Splits documents without an id into those the API already holds with the same content (their derived id exists:
 * submitting them again would start a batch that reports them as accepted while nothing happens) and the others.
 * Documents with an id of their own are left to the server, which answers 409 when that id holds other text.
 */
export async function findKnown<D extends InputDocument | InputFile>(
  client: DocketClient,
  documents: readonly D[],
  taxonomy: string,
): Promise<{ known: KnownDocument<D>[]; fresh: D[] }> {
  if (documents.length > KNOWN_CHECK_LIMIT) return { known: [], fresh: [...documents] };
  const views: (DocumentView | undefined)[] = new Array(documents.length);
  let next = 0;
  const worker = async () => {
    while (next < documents.length) {
      const i = next++;
      const doc = documents[i]!;
      if (doc.id !== undefined) continue;
      try {
        views[i] = await client.get(derivedIdOf(doc, taxonomy));
      } catch (err) {
        if (!(err instanceof DocketApiError && err.status === 404)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: LOOKUP_CONCURRENCY }, worker));
  const known: KnownDocument<D>[] = [];
  const fresh: D[] = [];
  documents.forEach((doc, i) => {
    const view = views[i];
    if (view) known.push({ doc, view });
    else fresh.push(doc);
  });
  return { known, fresh };
}

/** `3 already classified, 1 already pending_review (same content as before): not submitted again`. */
export function describeKnown(known: readonly KnownDocument[]): string {
  const counts = new Map<string, number>();
  for (const { view } of known) counts.set(view.status, (counts.get(view.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} already ${status === 'completed' ? 'classified' : status}`);
  return `${parts.join(', ')} (same content as before): not submitted again`;
}

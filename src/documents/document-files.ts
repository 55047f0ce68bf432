import { getDocumentFile, getDocumentImage, getDocumentSource, getExtraction } from '../db/document-files.js';
import type { Pool } from '../db/pool.js';
import { NotFoundError } from './errors.js';

/** Bytes to send with their type: a document's original file or one of its page images. */
export interface StoredBytes {
  bytes: Uint8Array;
  mediaType: string;
  /** The file name it was submitted with (the original file only). */
  fileName?: string;
}

/** A document's original file as submitted, for a reviewer to open; `NotFoundError` for a text document. */
export async function getOriginalFile(deps: { pool: Pool }, id: string): Promise<StoredBytes> {
  const file = await getDocumentFile(deps.pool, id);
  if (file)
    return { bytes: file.bytes, mediaType: file.mediaType, ...(file.fileName ? { fileName: file.fileName } : {}) };
  throw await notAFile(deps.pool, id, 'its file was erased');
}

/**
 * The `n`-th (1-based) page image stored for a document (scanned pages, photos: what a vision model is sent and the
 * review page shows); `NotFoundError` naming how many there are.
 */
export async function getPageImage(deps: { pool: Pool }, id: string, n: number): Promise<StoredBytes> {
  const image = await getDocumentImage(deps.pool, id, n - 1);
  if (image) return { bytes: image.bytes, mediaType: image.mediaType };
  const extraction = await getExtraction(deps.pool, id);
  if (!extraction) throw await notAFile(deps.pool, id, 'its file is still being extracted');
  throw new NotFoundError(
    extraction.images === 0
      ? `document ${id} has no page images (only scanned pages and photos are kept as images)`
      : `document ${id} has ${extraction.images} page image(s): ask for 1 to ${extraction.images}`,
  );
}

/** Why a document has nothing to show: no such document, a text document, or `why` for a file document. */
async function notAFile(pool: Pool, id: string, why: string): Promise<NotFoundError> {
  const doc = await getDocumentSource(pool, id);
  if (!doc) return new NotFoundError(`no document with id ${id}`);
  if (doc.source === 'text') return new NotFoundError(`document ${id} was submitted as text: it has no file`);
  return new NotFoundError(`document ${id} has nothing to show: ${why}`);
}

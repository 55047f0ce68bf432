import { getDocument } from '../db/queries.js';
import type { ServiceDeps } from './deps.js';
import { NotFoundError } from './errors.js';
import type { DocumentText } from './schemas.js';

/** Metadata keys that name a document for a person, in order of preference (folder submissions send `path`). */
const TITLE_KEYS = ['title', 'fileName', 'filename', 'name', 'path', 'source', 'subject'];

/** The name a person knows a document by: a title-like metadata value, else its id. */
export function documentTitle(id: string, metadata: Record<string, unknown> | null | undefined): string {
  for (const key of TITLE_KEYS) {
    const value = metadata?.[key];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 200);
  }
  return id;
}

/** A document's whole text and metadata, as submitted (the review page fetches it when a document is opened). */
export async function getDocumentText(deps: Pick<ServiceDeps, 'pool'>, id: string): Promise<DocumentText> {
  const doc = await getDocument(deps.pool, id);
  if (!doc) throw new NotFoundError(`no document with id ${id}`);
  const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
  return { id, title: documentTitle(id, metadata), metadata, text: doc.text };
}

import { createHash } from 'node:crypto';
import { insertDocumentFile, isSameDocument, type StoredDocumentIdentity } from '../db/document-files.js';
import type { Pool } from '../db/pool.js';
import type { StartOnCommit } from '../db/queries.js';
import { contentHash } from '../extraction/content-hash.js';
import { detectDocumentType } from '../extraction/detect.js';
import { checkFileSize } from '../extraction/file-size.js';

/** A file as submitted, before anything is stored. */
export interface SubmittedFile {
  bytes: Uint8Array;
  /** The name the sender gave it; only text formats without a signature are told apart by it. */
  fileName?: string;
  /** The document id the sender chose; unset: derived from the file's content and the taxonomy. */
  id?: string;
  /** The taxonomy's name (already resolved by the caller). */
  taxonomy: string;
}

/** A file checked, detected and hashed: what {@link storeDocumentFile} stores. */
export interface PreparedDocumentFile {
  id: string;
  contentHash: string;
  mediaType: string;
  fileName?: string;
  bytes: Uint8Array;
  taxonomy: string;
}

/**
 * Checks a submitted file before anything is stored: its size against `maxFileBytes` (`FileTooLargeError`, the
 * API's 413), its type from its content (`UnsupportedTypeError`, the API's 415, listing what is supported), then
 * hashes it and settles its id. No I/O: the caller routes the document (the workflow start it is owed needs the id)
 * and then calls {@link storeDocumentFile}.
 */
export async function prepareDocumentFile(file: SubmittedFile, maxFileBytes: number): Promise<PreparedDocumentFile> {
  checkFileSize(file.bytes.length, maxFileBytes, file.fileName);
  const { mediaType } = await detectDocumentType(file.bytes, file.fileName);
  const hash = contentHash(file.bytes);
  return {
    id: file.id ?? derivedFileDocumentId(hash, file.taxonomy),
    contentHash: hash,
    mediaType,
    ...(file.fileName ? { fileName: file.fileName } : {}),
    bytes: file.bytes,
    taxonomy: file.taxonomy,
  };
}

/** The id of a file submitted without one: the same file under the same taxonomy gets the same id. */
export function derivedFileDocumentId(fileHash: string, taxonomy: string): string {
  return `doc-${createHash('sha256').update(`${taxonomy}\0file\0${fileHash}`, 'utf8').digest('hex').slice(0, 32)}`;
}

/** Why a file cannot be stored under an id that is taken. */
export type FileConflictReason = 'different_content' | 'different_taxonomy';

/**
 * What storing a file did: `created` (a new document), `same` (this file, under this taxonomy, is the document stored
 * under the id already: no new classification) or `conflict` (the id holds another document: the API's 409).
 */
export type StoreDocumentFileResult =
  | { outcome: 'created' | 'same'; id: string; contentHash: string; mediaType: string }
  | { outcome: 'conflict'; id: string; reason: FileConflictReason; message: string };

/** Options of {@link storeDocumentFile}. */
export interface StoreDocumentFileOptions {
  metadata?: Record<string, unknown>;
  batchId?: string;
  /** The workflow start the document is owed, committed with it (the outbox); not recorded on a conflict. */
  start?: StartOnCommit;
}

/**
 * Stores a prepared file as a document: its bytes, hash, type, name and size, and a document row whose text the
 * extraction activity fills in. The same file again is the same document (`same`); a different file, or the same
 * file under another taxonomy, under a taken id is a `conflict`.
 */
export async function storeDocumentFile(
  pool: Pool,
  file: PreparedDocumentFile,
  options: StoreDocumentFileOptions = {},
): Promise<StoreDocumentFileResult> {
  const { stored, created } = await insertDocumentFile(
    pool,
    { ...file, metadata: options.metadata ?? {}, ...(options.batchId ? { batchId: options.batchId } : {}) },
    options.start,
  );
  const conflict = conflictReason(stored, file);
  if (conflict)
    return { outcome: 'conflict', id: file.id, reason: conflict, message: conflictMessage(file.id, stored, conflict) };
  return {
    outcome: created ? 'created' : 'same',
    id: file.id,
    contentHash: file.contentHash,
    mediaType: file.mediaType,
  };
}

function conflictReason(stored: StoredDocumentIdentity, file: PreparedDocumentFile): FileConflictReason | undefined {
  if (isSameDocument(stored, file)) return undefined;
  return stored.contentHash !== file.contentHash ? 'different_content' : 'different_taxonomy';
}

function conflictMessage(id: string, stored: StoredDocumentIdentity, reason: FileConflictReason): string {
  if (reason === 'different_taxonomy') return `document ${id} already exists under taxonomy "${stored.taxonomy}"`;
  const what = stored.source === 'file' ? 'a different file' : 'text';
  return `document ${id} already exists with ${what}; submit this file under a new id`;
}

import type pg from 'pg';
import type { ExtractionMethod, UnreadableReason } from '../shared/extraction.js';
import type { Pool } from './pool.js';
import type { StartOnCommit } from './queries.js';
import { transaction } from './transaction.js';
import { insertWorkflowStart } from './workflow-starts.js';

/** How a document came in: as text (JSON), or as a file whose extracted text the extraction activity writes. */
export type DocumentSource = 'text' | 'file';

/** A file submitted as a document, detected and hashed by the caller. */
export interface NewDocumentFile {
  id: string;
  /** SHA-256 of `bytes` (src/extraction/content-hash.ts). */
  contentHash: string;
  /** The detected type (src/extraction/detect.ts), e.g. `application/pdf`. */
  mediaType: string;
  fileName?: string;
  bytes: Uint8Array;
  metadata: Record<string, unknown>;
  taxonomy: string;
  batchId?: string;
}

/** What identifies a stored document: a submission is the same document when these agree. */
export interface StoredDocumentIdentity {
  contentHash: string;
  taxonomy: string;
  source: DocumentSource;
}

/** A stored file, with its bytes. */
export interface DocumentFileRow {
  documentId: string;
  contentHash: string;
  mediaType: string;
  fileName: string | null;
  sizeBytes: number;
  bytes: Buffer;
  storedAt: Date;
}

/** A stored file without its bytes: what the API shows. */
export type DocumentFileInfo = Omit<DocumentFileRow, 'bytes'>;

/** An e-mail's header fields and its attachments' names, types and sizes, as stored (never the attachments' bytes). */
export interface EmailSummary {
  subject?: string;
  from?: string;
  date?: string;
  attachments: { name: string; mediaType: string; size: number }[];
}

/** The outcome of extracting a document's file, as the extraction activity stores it. */
export interface ExtractionRecord {
  outcome: 'extracted' | 'unreadable';
  /** Set when `outcome` is `unreadable`. */
  unreadableReason?: UnreadableReason;
  /** Unset when the file could not be read at all (encrypted, corrupt). */
  method?: ExtractionMethod;
  extractor?: string;
  mediaType: string;
  textChars: number;
  pages?: number;
  pagesRead?: number;
  ocrPages: number;
  images: number;
  imagesOmitted: number;
  needsVision: boolean;
  email?: EmailSummary;
}

export interface ExtractionRow extends ExtractionRecord {
  extractedAt: Date;
}

/** A page image kept for a vision model and the review page. */
export interface StoredImage {
  /** The 1-based page of a PDF or multi-page TIFF; unset for a single image. */
  page?: number;
  mediaType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  bytes: Uint8Array;
}

/** Whether a submission is the stored document again: the same content under the same taxonomy. */
export function isSameDocument(stored: StoredDocumentIdentity, incoming: { contentHash: string; taxonomy: string }) {
  return stored.contentHash === incoming.contentHash && stored.taxonomy === incoming.taxonomy;
}

/**
 * Inserts a file's document (empty text, source `file`) and its bytes unless a document with the same id exists;
 * returns the stored document's identity either way, so that the caller can tell a resubmission from a conflict.
 * With `start`, the workflow start it is owed is recorded in the same transaction, unless the stored document
 * differs ({@link isSameDocument}).
 */
export async function insertDocumentFile(
  pool: Pool,
  file: NewDocumentFile,
  start?: StartOnCommit,
): Promise<{ stored: StoredDocumentIdentity; created: boolean }> {
  return transaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO documents (id, content_hash, text, metadata, taxonomy, batch_id, source)
       VALUES ($1, $2, '', $3, $4, $5, 'file') ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [file.id, file.contentHash, JSON.stringify(file.metadata), file.taxonomy, file.batchId ?? null],
    );
    const created = inserted.rowCount === 1;
    if (created) {
      await client.query(
        `INSERT INTO document_files (document_id, content_hash, media_type, file_name, size_bytes, bytes)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [file.id, file.contentHash, file.mediaType, file.fileName ?? null, file.bytes.length, asBuffer(file.bytes)],
      );
    }
    const { rows } = await client.query<{ content_hash: string; taxonomy: string; source: DocumentSource }>(
      'SELECT content_hash, taxonomy, source FROM documents WHERE id = $1',
      [file.id],
    );
    const row = rows[0];
    if (!row) throw new Error(`document ${file.id} vanished after insert`);
    const stored = { contentHash: row.content_hash, taxonomy: row.taxonomy, source: row.source };
    if (start && isSameDocument(stored, file)) await insertWorkflowStart(client, start.start, start.holdMs);
    return { stored, created };
  });
}

/** How a document came in and how long its text is now, or `undefined` when there is no such document. */
export async function getDocumentSource(
  pool: Pool,
  documentId: string,
): Promise<{ source: DocumentSource; textChars: number } | undefined> {
  const { rows } = await pool.query<{ source: DocumentSource; text_chars: number }>(
    'SELECT source, char_length(text) AS text_chars FROM documents WHERE id = $1',
    [documentId],
  );
  const row = rows[0];
  return row ? { source: row.source, textChars: row.text_chars } : undefined;
}

const FILE_INFO_COLUMNS = 'document_id, content_hash, media_type, file_name, size_bytes, stored_at';

/** A document's file with its bytes (for extraction, and for the review page to show). */
export async function getDocumentFile(pool: Pool, documentId: string): Promise<DocumentFileRow | undefined> {
  const { rows } = await pool.query(`SELECT ${FILE_INFO_COLUMNS}, bytes FROM document_files WHERE document_id = $1`, [
    documentId,
  ]);
  return rows[0] ? { ...toFileInfo(rows[0]), bytes: rows[0].bytes as Buffer } : undefined;
}

/** A document's file without its bytes. */
export async function getDocumentFileInfo(pool: Pool, documentId: string): Promise<DocumentFileInfo | undefined> {
  const { rows } = await pool.query(`SELECT ${FILE_INFO_COLUMNS} FROM document_files WHERE document_id = $1`, [
    documentId,
  ]);
  return rows[0] ? toFileInfo(rows[0]) : undefined;
}

function toFileInfo(r: Record<string, unknown>): DocumentFileInfo {
  return {
    documentId: r.document_id as string,
    contentHash: r.content_hash as string,
    mediaType: r.media_type as string,
    fileName: r.file_name as string | null,
    sizeBytes: r.size_bytes as number,
    storedAt: r.stored_at as Date,
  };
}

/** The stored outcome of a document's extraction, or `undefined` before the first one. */
export async function getExtraction(pool: Pool, documentId: string): Promise<ExtractionRow | undefined> {
  const { rows } = await pool.query('SELECT * FROM document_extractions WHERE document_id = $1', [documentId]);
  const r = rows[0];
  if (!r) return undefined;
  return {
    outcome: r.outcome,
    ...(r.unreadable_reason ? { unreadableReason: r.unreadable_reason } : {}),
    ...(r.method ? { method: r.method } : {}),
    ...(r.extractor ? { extractor: r.extractor } : {}),
    mediaType: r.media_type,
    textChars: r.text_chars,
    ...(r.pages !== null ? { pages: r.pages } : {}),
    ...(r.pages_read !== null ? { pagesRead: r.pages_read } : {}),
    ocrPages: r.ocr_pages,
    images: r.images,
    imagesOmitted: r.images_omitted,
    needsVision: r.needs_vision,
    ...(r.email ? { email: r.email } : {}),
    extractedAt: r.extracted_at,
  };
}

/**
 * Stores an extraction in one transaction: the extraction row (replacing an earlier one), the document's images
 * (replacing earlier ones), and the extracted text as the document's text, which the LLM activity reads. Running it
 * again with the same extraction leaves the same rows. Returns `false`, writing nothing, when the document's file
 * is gone (erased meanwhile).
 */
export async function saveExtraction(
  pool: Pool,
  documentId: string,
  extraction: { record: ExtractionRecord; text: string; images: StoredImage[] },
): Promise<boolean> {
  return transaction(pool, async (client) => {
    // Locks the file: two attempts of one extraction (a retry racing a slow attempt) write one after the other.
    const file = await client.query('SELECT 1 FROM document_files WHERE document_id = $1 FOR UPDATE', [documentId]);
    if (file.rowCount === 0) return false;
    await upsertExtraction(client, documentId, extraction.record);
    await client.query('DELETE FROM document_images WHERE document_id = $1', [documentId]);
    for (const [position, image] of extraction.images.entries()) {
      await client.query(
        `INSERT INTO document_images (document_id, position, page, media_type, width, height, bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [documentId, position, image.page ?? null, image.mediaType, image.width, image.height, asBuffer(image.bytes)],
      );
    }
    await client.query(`UPDATE documents SET text = $2 WHERE id = $1 AND source = 'file'`, [
      documentId,
      extraction.text,
    ]);
    return true;
  });
}

async function upsertExtraction(client: pg.PoolClient, documentId: string, r: ExtractionRecord): Promise<void> {
  await client.query(
    `INSERT INTO document_extractions (document_id, outcome, unreadable_reason, method, extractor, media_type,
       text_chars, pages, pages_read, ocr_pages, images, images_omitted, needs_vision, email, extracted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
     ON CONFLICT (document_id) DO UPDATE SET
       outcome = EXCLUDED.outcome, unreadable_reason = EXCLUDED.unreadable_reason, method = EXCLUDED.method,
       extractor = EXCLUDED.extractor, media_type = EXCLUDED.media_type, text_chars = EXCLUDED.text_chars,
       pages = EXCLUDED.pages, pages_read = EXCLUDED.pages_read, ocr_pages = EXCLUDED.ocr_pages,
       images = EXCLUDED.images, images_omitted = EXCLUDED.images_omitted, needs_vision = EXCLUDED.needs_vision,
       email = EXCLUDED.email, extracted_at = EXCLUDED.extracted_at`,
    [
      documentId,
      r.outcome,
      r.unreadableReason ?? null,
      r.method ?? null,
      r.extractor ?? null,
      r.mediaType,
      r.textChars,
      r.pages ?? null,
      r.pagesRead ?? null,
      r.ocrPages,
      r.images,
      r.imagesOmitted,
      r.needsVision,
      r.email ? JSON.stringify(r.email) : null,
    ],
  );
}

/** A document's page images in page order: what a vision request attaches, and what the review page shows. */
export async function listDocumentImages(pool: Pool, documentId: string): Promise<StoredImage[]> {
  const { rows } = await pool.query(
    'SELECT page, media_type, width, height, bytes FROM document_images WHERE document_id = $1 ORDER BY position',
    [documentId],
  );
  return rows.map((r) => ({
    ...(r.page !== null ? { page: r.page as number } : {}),
    mediaType: r.media_type,
    width: r.width,
    height: r.height,
    bytes: r.bytes as Buffer,
  }));
}

/** A document's `position`-th page image (0-based, in page order), or `undefined` when it has fewer. */
export async function getDocumentImage(
  pool: Pool,
  documentId: string,
  position: number,
): Promise<StoredImage | undefined> {
  const { rows } = await pool.query(
    'SELECT page, media_type, width, height, bytes FROM document_images WHERE document_id = $1 AND position = $2',
    [documentId, position],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    ...(r.page !== null ? { page: r.page as number } : {}),
    mediaType: r.media_type,
    width: r.width,
    height: r.height,
    bytes: r.bytes as Buffer,
  };
}

/** The sizes of a document's page images in page order, without their bytes (to count their tokens). */
export async function listDocumentImageSizes(
  pool: Pool,
  documentId: string,
): Promise<{ width: number; height: number }[]> {
  const { rows } = await pool.query<{ width: number; height: number }>(
    'SELECT width, height FROM document_images WHERE document_id = $1 ORDER BY position',
    [documentId],
  );
  return rows;
}

/** The bytes as a Buffer over the same memory: `pg` sends Buffers as bytea. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

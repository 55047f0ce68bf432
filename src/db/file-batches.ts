import type pg from 'pg';
import { isSameDocument, type DocumentSource, type NewDocumentFile } from './document-files.js';
import type { Pool } from './pool.js';
import type { StartOnCommit } from './queries.js';
import { insertWorkflowStart } from './workflow-starts.js';

/**
 * Stores a batch of files in one transaction: the batch, each file's document (source `file`, empty text until it is
 * extracted) and bytes unless its id is stored already, the batch's positions, and the batch's owed start. An id that
 * holds another document (other content or taxonomy) rolls everything back: its id is returned in `conflicts`.
 */
export async function insertFileBatch(
  pool: Pool,
  batch: { id: string; taxonomy: string },
  files: NewDocumentFile[],
  start?: StartOnCommit,
): Promise<{ conflicts: string[] }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO batches (id, taxonomy, total) VALUES ($1, $2, $3)', [
      batch.id,
      batch.taxonomy,
      files.length,
    ]);
    const conflicts: string[] = [];
    for (const [position, file] of files.entries()) {
      if (!(await insertFile(client, { ...file, batchId: batch.id }))) conflicts.push(file.id);
      await client.query('INSERT INTO batch_documents (batch_id, position, document_id) VALUES ($1, $2, $3)', [
        batch.id,
        position,
        file.id,
      ]);
    }
    if (conflicts.length > 0) {
      await client.query('ROLLBACK');
      return { conflicts };
    }
    if (start) await insertWorkflowStart(client, start.start, start.holdMs);
    await client.query('COMMIT');
    return { conflicts: [] };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Inserts one file's document and bytes unless its id is taken; `false` when the id holds another document. */
async function insertFile(client: pg.PoolClient, file: NewDocumentFile): Promise<boolean> {
  const inserted = await client.query(
    `INSERT INTO documents (id, content_hash, text, metadata, taxonomy, batch_id, source)
     VALUES ($1, $2, '', $3, $4, $5, 'file') ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [file.id, file.contentHash, JSON.stringify(file.metadata), file.taxonomy, file.batchId ?? null],
  );
  if (inserted.rowCount === 1) {
    await client.query(
      `INSERT INTO document_files (document_id, content_hash, media_type, file_name, size_bytes, bytes)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [file.id, file.contentHash, file.mediaType, file.fileName ?? null, file.bytes.length, asBuffer(file.bytes)],
    );
    return true;
  }
  const { rows } = await client.query<{ content_hash: string; taxonomy: string; source: DocumentSource }>(
    'SELECT content_hash, taxonomy, source FROM documents WHERE id = $1',
    [file.id],
  );
  const row = rows[0];
  return (
    row !== undefined &&
    isSameDocument({ contentHash: row.content_hash, taxonomy: row.taxonomy, source: row.source }, file)
  );
}

/** The bytes as a Buffer over the same memory: `pg` sends Buffers as bytea. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

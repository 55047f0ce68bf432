import { createHash } from 'node:crypto';

/**
 * The SHA-256 of a file's original bytes, lowercase hex. The same file submitted again has the same hash and is
 * the same document; a different file under an existing id is a conflict.
 */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

import mammoth from 'mammoth';
import { UnreadableDocumentError } from './errors.js';
import { libraryTag } from './library-version.js';
import type { ExtractedDocument } from './types.js';

/** Messages of mammoth and of the zip reader beneath it that mean a broken file rather than a crash. */
const CORRUPT_MESSAGES = [
  /end of central directory/i,
  /corrupted zip/i,
  /could not find main document part/i,
  /invalid|unexpected|unclosed|non-whitespace before first tag/i,
];

/** The text of a Word .docx file, paragraph by paragraph, with mammoth. */
export async function extractDocx(bytes: Uint8Array): Promise<ExtractedDocument> {
  try {
    const { value } = await mammoth.extractRawText({
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
    });
    return {
      text: value.replace(/\n{3,}/g, '\n\n').trim(),
      method: 'docx',
      extractor: libraryTag('mammoth'),
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (CORRUPT_MESSAGES.some((pattern) => pattern.test(message))) {
      throw new UnreadableDocumentError('corrupt', `the Word file cannot be parsed: ${message}`, { cause: error });
    }
    throw error;
  }
}

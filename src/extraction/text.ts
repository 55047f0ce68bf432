import { UnreadableDocumentError } from './errors.js';
import type { ExtractedDocument } from './types.js';

/** The version of Docket's own text decoding, bumped whenever what it produces changes. */
const TEXT_DECODER_TAG = 'utf-8@1';

/** Plain text or Markdown as UTF-8 (a byte-order mark is dropped, line ends become `\n`). Invalid UTF-8 is corrupt. */
export function extractText(bytes: Uint8Array, mediaType: string): ExtractedDocument {
  if (bytes.includes(0)) {
    throw new UnreadableDocumentError('corrupt', 'the text file holds NUL bytes: it is binary, not text');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new UnreadableDocumentError('corrupt', 'the text file is not valid UTF-8: convert it to UTF-8', {
      cause: error,
    });
  }
  return { text: text.replace(/\r\n?/g, '\n').trim(), method: 'text', extractor: TEXT_DECODER_TAG, mediaType };
}

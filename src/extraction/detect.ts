import { fileTypeFromBuffer } from 'file-type';
import { UnsupportedTypeError } from './errors.js';

/** The kinds of file Docket reads; each has one extractor. */
export const DOCUMENT_KIND = {
  pdf: 'pdf',
  docx: 'docx',
  html: 'html',
  email: 'email',
  text: 'text',
  image: 'image',
} as const;
export type DocumentKind = (typeof DOCUMENT_KIND)[keyof typeof DOCUMENT_KIND];

/** A file's detected type. */
export interface DetectedType {
  kind: DocumentKind;
  mediaType: string;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The closed list of types read, by the media type `file-type` reports from their signature. */
const KIND_BY_SIGNATURE: Record<string, DocumentKind> = {
  'application/pdf': 'pdf',
  [DOCX]: 'docx',
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/webp': 'image',
  'image/tiff': 'image',
};

/** Text formats have no signature: their extension decides, then their content. */
const TEXT_TYPE_BY_EXTENSION: Record<string, DetectedType> = {
  txt: { kind: 'text', mediaType: 'text/plain' },
  text: { kind: 'text', mediaType: 'text/plain' },
  md: { kind: 'text', mediaType: 'text/markdown' },
  markdown: { kind: 'text', mediaType: 'text/markdown' },
  html: { kind: 'html', mediaType: 'text/html' },
  htm: { kind: 'html', mediaType: 'text/html' },
  eml: { kind: 'email', mediaType: 'message/rfc822' },
};

/** What Docket reads, as the 415 answer lists it. */
export const SUPPORTED_TYPES: readonly string[] = [
  'PDF (application/pdf)',
  'Word .docx',
  'HTML (.html, .htm)',
  'e-mail (.eml, message/rfc822)',
  'UTF-8 plain text and Markdown (.txt, .md)',
  'PNG, JPEG, WebP and TIFF images',
];

/** Types people often send that are close to a supported one: the 415 says what to do instead. */
const ADVICE: Record<string, string> = {
  'application/x-cfb': 'a legacy Office file (.doc, .xls) or a password-protected Office file: save it as .docx or PDF',
  'application/msword': 'a legacy Word .doc file: save it as .docx or PDF',
  'application/zip': 'a zip archive: submit the files inside it one by one',
};

const SNIFF_BYTES = 64 * 1024;
const HTML_START = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i;
/** An RFC 5322 header block: the first lines are `Name: value`, and one of them is From. */
const EMAIL_HEADER_LINE = /^[!-9;-~]+:[ \t]/;
const EMAIL_KEY_HEADERS = /^(from|subject|message-id|mime-version|received|date):/im;

/**
 * The type of a file, from its content: the signature (magic bytes, via `file-type`) first; the name only for text
 * formats, which have none (`.txt`, `.md`, `.html`, `.eml`); then the text itself (an HTML document, an e-mail's
 * header block, else plain text). Throws {@link UnsupportedTypeError}, listing what is supported, for anything else.
 */
export async function detectDocumentType(bytes: Uint8Array, name?: string): Promise<DetectedType> {
  const signature = await fileTypeFromBuffer(bytes);
  if (signature) {
    const kind = KIND_BY_SIGNATURE[signature.mime];
    if (kind) return { kind, mediaType: signature.mime };
    const advice = ADVICE[signature.mime];
    throw new UnsupportedTypeError(
      signature.mime,
      SUPPORTED_TYPES,
      `unsupported file type ${signature.mime}${advice ? ` (${advice})` : ''}`,
    );
  }
  const byName = TEXT_TYPE_BY_EXTENSION[extensionOf(name)];
  if (byName) return byName;
  const sample = decodeSample(bytes);
  if (sample === undefined) {
    const claimed = extensionOf(name) ? `a file named .${extensionOf(name)} whose content has no known signature` : '';
    throw new UnsupportedTypeError(
      undefined,
      SUPPORTED_TYPES,
      `unsupported file type: ${claimed || 'binary content with no known signature'} and not UTF-8 text`,
    );
  }
  return sniffText(sample);
}

function extensionOf(name: string | undefined): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(name ?? '');
  return match?.[1]?.toLowerCase() ?? '';
}

/** The file's beginning as text, or `undefined` when it is not UTF-8 text (invalid sequences or NUL bytes). */
function decodeSample(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (sample.includes(0)) return undefined;
  try {
    // stream: a multi-byte character cut by the sample's end is not an error.
    return new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    return undefined;
  }
}

function sniffText(sample: string): DetectedType {
  if (HTML_START.test(sample)) return { kind: 'html', mediaType: 'text/html' };
  if (looksLikeEmail(sample)) return { kind: 'email', mediaType: 'message/rfc822' };
  return { kind: 'text', mediaType: 'text/plain' };
}

function looksLikeEmail(sample: string): boolean {
  const headerBlock = sample.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines = headerBlock.split(/\r?\n/);
  // Folded continuation lines start with white space; every other line must be a header.
  const allHeaders = lines.every((line) => /^[ \t]/.test(line) || EMAIL_HEADER_LINE.test(line));
  return lines.length >= 2 && allHeaders && /^from:/im.test(headerBlock) && EMAIL_KEY_HEADERS.test(headerBlock);
}

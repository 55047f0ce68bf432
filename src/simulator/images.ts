import { createHash } from 'node:crypto';
import { imageTokens, type ImageSize } from '../extraction/image-tokens.js';
import type { VisionDetail } from '../extraction/settings.js';
import { errorAnswer, type ErrorAnswer } from './openai-errors.js';
import type { ChatMessage } from './request.js';

/** The image parts of a request, as the simulator reads them. */
export interface RequestImages {
  count: number;
  /** Input tokens of the images, as OpenAI counts them for the model and each part's detail. */
  tokens: number;
  /** SHA-256 over every image's bytes in order: what the deterministic answer is derived from. */
  digest: string;
  /** Where the first image part is, as OpenAI names a parameter: `messages.[1].content.[1].type`. */
  firstParam?: string;
}

/** What an image whose size cannot be read (an `https:` URL the simulator does not fetch) is counted as. */
const UNREAD_IMAGE: ImageSize = { width: 512, height: 512 };

/**
 * Reads the `image_url` parts of a request: their sizes (PNG and JPEG headers of `data:` URLs), their tokens and a
 * digest of their bytes. Answers OpenAI's 400 for a `data:` URL that holds no PNG, JPEG, GIF or WebP image.
 */
export function readImages(messages: readonly ChatMessage[], model: string): RequestImages | { error: ErrorAnswer } {
  const hash = createHash('sha256');
  let count = 0;
  let tokens = 0;
  let firstParam: string | undefined;
  for (const [m, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    for (const [p, part] of message.content.entries()) {
      if (part.type !== 'image_url') continue;
      firstParam ??= `messages.[${m}].content.[${p}].type`;
      const url = part.image_url?.url ?? '';
      const detail: VisionDetail = part.image_url?.detail ?? 'auto';
      const bytes = dataUrlBytes(url);
      const size = bytes ? imageSize(bytes) : UNREAD_IMAGE;
      if (!size) return { error: unsupportedImage() };
      hash.update(bytes ?? url);
      count++;
      tokens += imageTokens(size, model, detail);
    }
  }
  return { count, tokens, digest: hash.digest('hex'), ...(firstParam ? { firstParam } : {}) };
}

/** OpenAI's answer to an image part sent to a model that reads no images. */
export function imagesNotSupported(param: string): ErrorAnswer {
  return errorAnswer(
    400,
    'Invalid content type. image_url is only supported by certain models.',
    'invalid_request_error',
    param,
  );
}

function dataUrlBytes(url: string): Buffer | undefined {
  const match = /^data:[^;,]*;base64,(.*)$/s.exec(url);
  return match?.[1] !== undefined ? Buffer.from(match[1], 'base64') : undefined;
}

/** Width and height from a PNG's IHDR, a JPEG's frame header or a GIF's screen descriptor; `undefined` for anything else. */
export function imageSize(bytes: Buffer): ImageSize | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  // WebP is taken; its size is not read here.
  if (bytes.length >= 12 && bytes.toString('latin1', 8, 12) === 'WEBP') return UNREAD_IMAGE;
  return undefined;
}

/** Walks a JPEG's segments to its first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegSize(bytes: Buffer): ImageSize | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    const length = bytes.readUInt16BE(offset + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return undefined;
}

/** OpenAI's answer to image bytes it cannot read. */
function unsupportedImage(): ErrorAnswer {
  return errorAnswer(
    400,
    "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
    'invalid_request_error',
    null,
    'invalid_image_format',
  );
}

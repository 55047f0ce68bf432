import sharp, { type Metadata, type Sharp } from 'sharp';
import { UnreadableDocumentError } from './errors.js';
import type { ImageSize } from './image-tokens.js';

/**
 * Images with more pixels than this are not decoded: 100 megapixels is 400 MB of RGBA, more than any page needs,
 * and a file far smaller than DOCKET_MAX_FILE_BYTES can claim it (a decompression bomb).
 */
export const MAX_DECODED_PIXELS = 100_000_000;

/** What an image file's header says, read without decoding its pixels. */
export interface ImageInfo extends ImageSize {
  /** Pages of a multi-page TIFF (a fax, a scanner's batch); 1 for any other image. */
  pages: number;
  /** The EXIF orientation says the pixels must be turned before they are shown (a phone photo held upright). */
  turned: boolean;
}

/**
 * An image file's size (as shown, after its EXIF orientation), from its header, with libvips through sharp: it
 * reports broken files as errors, where decoders that crash the process on them would take the worker down. Throws
 * {@link UnreadableDocumentError}: `corrupt` when the header cannot be read, `unsupported` when the image is larger
 * than {@link MAX_DECODED_PIXELS}.
 */
export async function imageInfo(bytes: Uint8Array): Promise<ImageInfo> {
  let metadata: Metadata;
  try {
    // The header alone: the pixel limit is checked below, with a message that says it.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new UnreadableDocumentError('corrupt', 'the image cannot be read: its header is broken', { cause: error });
  }
  const { width, height } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new UnreadableDocumentError('corrupt', 'the image has no width or height');
  if (width * height > MAX_DECODED_PIXELS) {
    throw new UnreadableDocumentError(
      'unsupported',
      `the image is ${width} × ${height} pixels, more than the ${MAX_DECODED_PIXELS / 1e6} megapixels Docket decodes: ` +
        'scale it down',
    );
  }
  const pages = metadata.format === 'tiff' ? (metadata.pages ?? 1) : 1;
  return { width, height, pages, turned: (metadata.orientation ?? 1) > 1 };
}

/** Options of {@link encodeImage}. */
export interface EncodeOptions {
  /** The 0-based page of a multi-page TIFF. @default 0 */
  page?: number;
  /** Scales the page down by this factor of its own size (never up), keeping the aspect ratio. */
  scaleFor: (size: ImageSize) => number;
  format: 'png' | 'jpeg';
  /** JPEG quality. @default 85 */
  quality?: number;
}

/**
 * Decodes one page of an image file, turns it upright, puts it on white (transparent scans), scales it down by
 * `scaleFor` its upright size and encodes it. A file that does not decode is `corrupt`.
 */
export async function encodeImage(
  bytes: Uint8Array,
  options: EncodeOptions,
): Promise<ImageSize & { bytes: Uint8Array }> {
  try {
    const metadata = await open(bytes, options.page).metadata();
    const upright = metadata.autoOrient ?? metadata;
    const scale = Math.min(1, options.scaleFor(upright));
    const pipeline = open(bytes, options.page)
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize({
        width: Math.max(1, Math.floor(upright.width * scale)),
        height: Math.max(1, Math.floor(upright.height * scale)),
        // Both sides are given, from one factor: 'fill' keeps the ratio within a pixel and never exceeds the budget.
        fit: 'fill',
      });
    const encoded = options.format === 'jpeg' ? pipeline.jpeg({ quality: options.quality ?? 85 }) : pipeline.png();
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, bytes: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    throw new UnreadableDocumentError('corrupt', 'the image cannot be decoded', { cause: error });
  }
}

/** Decodes the whole image and discards it: a file whose header is sound can still be broken further on. */
export async function checkDecodes(bytes: Uint8Array): Promise<void> {
  try {
    await open(bytes).raw().toBuffer();
  } catch (error) {
    throw new UnreadableDocumentError('corrupt', 'the image cannot be decoded', { cause: error });
  }
}

function open(bytes: Uint8Array, page = 0): Sharp {
  // failOn 'error': a truncated or damaged image fails instead of decoding to a grey half-picture.
  return sharp(bytes, { page, limitInputPixels: MAX_DECODED_PIXELS, failOn: 'error' });
}

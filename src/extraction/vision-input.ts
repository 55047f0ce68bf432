import type { ChatCompletionContentPartImage } from 'openai/resources/chat/completions';
import type { StoredImage } from '../db/document-files.js';
import type { ImageSize } from './image-tokens.js';
import { checkDecodes, encodeImage, imageInfo, type ImageInfo } from './images.js';
import type { VisionDetail } from './settings.js';
import type { DocumentImage } from './types.js';

/** OpenAI scales any image into a 2048 px square: more pixels than that are paid for in bandwidth, never read. */
const MAX_SIDE_PX = 2048;
/** JPEG quality of a resized photo: text stays legible, a 12-megapixel phone photo becomes a few hundred KB. */
const JPEG_QUALITY = 85;

/** Limits of {@link prepareVisionImages} (DOCKET_VISION_MAX_PAGES, DOCKET_VISION_MAX_PIXELS). */
export interface VisionImageLimits {
  /** Images kept at most; the rest are counted in `omitted`. */
  maxImages: number;
  /** width × height of a kept image at most; larger ones are scaled down, keeping their aspect ratio. */
  maxPixels: number;
}

/**
 * Turns a document's images (rendered PDF pages, an image file, the pages of a TIFF) into what a vision model is
 * sent: PNG or JPEG (a JPEG stays JPEG, anything else becomes PNG, since vision APIs refuse TIFF), upright, scaled
 * down to `maxPixels` and into a 2048 px square, never up, at most `maxImages`. An image already within the limits,
 * upright and in a format the APIs take is kept byte for byte. Throws `UnreadableDocumentError` for an image that does
 * not decode.
 */
export async function prepareVisionImages(
  images: readonly DocumentImage[],
  limits: VisionImageLimits,
): Promise<{ images: StoredImage[]; omitted: number }> {
  const kept: StoredImage[] = [];
  let omitted = 0;
  for (const image of images) {
    const info = await imageInfo(image.bytes);
    const room = limits.maxImages - kept.length;
    const pages = Math.min(info.pages, Math.max(0, room));
    omitted += info.pages - pages;
    for (let page = 0; page < pages; page++) {
      kept.push(await prepared(image, info, page, limits.maxPixels));
    }
  }
  return { images: kept, omitted };
}

async function prepared(image: DocumentImage, info: ImageInfo, page: number, maxPixels: number): Promise<StoredImage> {
  // A page of a multi-page TIFF is numbered; a PDF page keeps the number it was rendered from.
  const number = info.pages > 1 ? { page: page + 1 } : image.page !== undefined ? { page: image.page } : {};
  const format = image.mediaType === 'image/jpeg' ? 'jpeg' : 'png';
  const asIs =
    info.pages === 1 && !info.turned && `image/${format}` === image.mediaType && scaleFor(info, maxPixels) === 1;
  if (asIs) {
    // Pages Docket rendered itself are sound; an image file is decoded once, so that a broken one is found here.
    if (image.page === undefined) await checkDecodes(image.bytes);
    return {
      ...number,
      mediaType: `image/${format}`,
      width: info.width,
      height: info.height,
      bytes: image.bytes,
    };
  }
  const encoded = await encodeImage(image.bytes, {
    page,
    scaleFor: (size) => scaleFor(size, maxPixels),
    format,
    quality: JPEG_QUALITY,
  });
  return { ...number, mediaType: `image/${format}`, ...encoded };
}

/** The factor that brings `size` within `maxPixels` and the 2048 px square; 1 when it is within both already. */
function scaleFor({ width, height }: ImageSize, maxPixels: number): number {
  return Math.min(1, Math.sqrt(maxPixels / (width * height)), MAX_SIDE_PX / Math.max(width, height));
}

/**
 * A document's images as chat content parts, in page order: `{ type: 'image_url', image_url: { url: 'data:…',
 * detail } }`, what the Chat Completions API (and every OpenAI-compatible server that reads images) takes beside the
 * prompt's text part. The images come from the database (`listDocumentImages`), never from workflow history.
 */
export function imageContentParts(
  images: readonly Pick<StoredImage, 'mediaType' | 'bytes'>[],
  detail: VisionDetail,
): ChatCompletionContentPartImage[] {
  return images.map((image) => ({
    type: 'image_url',
    image_url: { url: `data:${image.mediaType};base64,${base64(image.bytes)}`, detail },
  }));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

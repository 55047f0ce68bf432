import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadImage } from '@napi-rs/canvas';
import {
  imageContentParts,
  imagesTokens,
  imageTokens,
  prepareVisionImages,
  UnreadableDocumentError,
  type DocumentImage,
} from '../../src/extraction/index.js';
import { makeHugePng, makeImage, makePng, makeTiff } from './make-files.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const LIMITS = { maxImages: 10, maxPixels: 2_000_000 };

const starts = (bytes: Uint8Array, signature: number[]) =>
  assert.deepEqual([...bytes.subarray(0, signature.length)], signature);

describe('image tokens, as OpenAI counts them', () => {
  it('counts 85 plus 170 per 512 px tile at high detail, after the 2048 and 768 px scaling (the guide’s examples)', () => {
    assert.equal(imageTokens({ width: 1024, height: 1024 }, 'gpt-4o', 'high'), 765);
    assert.equal(imageTokens({ width: 2048, height: 4096 }, 'gpt-4o', 'high'), 1105);
  });

  it('counts 85 at low detail whatever the size', () => {
    assert.equal(imageTokens({ width: 4000, height: 3000 }, 'gpt-4o', 'low'), 85);
    assert.equal(imageTokens({ width: 10, height: 10 }, 'gpt-4.1', 'low'), 85);
  });

  it('never scales a small image up: a 128 × 64 image is one tile', () => {
    assert.equal(imageTokens({ width: 128, height: 64 }, 'gpt-4o', 'high'), 255);
  });

  it('counts auto as high, the most it can cost', () => {
    assert.equal(imageTokens({ width: 1024, height: 1024 }, 'gpt-4o', 'auto'), 765);
  });

  it('counts a rendered A4 page as six tiles', () => {
    assert.equal(imageTokens({ width: 1109, height: 1568 }, 'gpt-4o', 'high'), 1105);
  });

  it("uses gpt-4o-mini's own base and tile tokens, whatever the gateway's prefix", () => {
    assert.equal(imageTokens({ width: 1024, height: 1024 }, 'gpt-4o-mini', 'high'), 2833 + 4 * 5667);
    assert.equal(imageTokens({ width: 1024, height: 1024 }, 'openai/gpt-4o-mini', 'low'), 2833);
  });

  it('counts 32 px patches times the multiplier for patch models, scaled down to 1536 patches', () => {
    assert.equal(imageTokens({ width: 1024, height: 1024 }, 'gpt-4.1-mini', 'high'), Math.ceil(1024 * 1.62));
    // The guide's example: 1800 × 2400 is scaled to 1056 × 1408, 33 × 44 = 1452 patches.
    assert.equal(imageTokens({ width: 1800, height: 2400 }, 'gpt-4.1-mini', 'high'), Math.ceil(1452 * 1.62));
    assert.equal(imageTokens({ width: 1800, height: 2400 }, 'gpt-4.1-nano', 'low'), Math.ceil(1452 * 2.46));
  });

  it('counts a model it does not know like gpt-4o, and sums a document’s images', () => {
    assert.equal(imageTokens({ width: 1024, height: 1024 }, 'llava:13b', 'high'), 765);
    const sizes = [
      { width: 1024, height: 1024 },
      { width: 128, height: 64 },
    ];
    assert.equal(imagesTokens(sizes, 'gpt-4o', 'high'), 765 + 255);
  });
});

describe('images prepared for a vision model', () => {
  it('scales a large image down within the pixel limit, keeping its aspect ratio', async () => {
    const big = await makePng(['A large photo of a receipt'], 3000, 2000);
    const { images, omitted } = await prepareVisionImages([{ mediaType: 'image/png', bytes: big }], LIMITS);
    assert.equal(omitted, 0);
    const [image] = images;
    assert.ok(image);
    assert.equal(image.mediaType, 'image/png');
    starts(image.bytes, PNG_SIGNATURE);
    assert.ok(image.width * image.height <= LIMITS.maxPixels, `${image.width}×${image.height}`);
    assert.ok(Math.abs(image.width / image.height - 1.5) < 0.01);
    const decoded = await loadImage(Buffer.from(image.bytes));
    assert.deepEqual([decoded.width, decoded.height], [image.width, image.height]);
  });

  it('fits a long image into a 2048 px square', async () => {
    const strip = await makePng(['a till receipt'], 4000, 400);
    const { images } = await prepareVisionImages([{ mediaType: 'image/png', bytes: strip }], LIMITS);
    assert.deepEqual([images[0]?.width, images[0]?.height], [2048, 204]);
  });

  it('keeps an image within the limits byte for byte', async () => {
    const small = await makePng(['a small scan'], 600, 400);
    const { images } = await prepareVisionImages([{ page: 3, mediaType: 'image/png', bytes: small }], LIMITS);
    assert.deepEqual(images, [{ page: 3, mediaType: 'image/png', width: 600, height: 400, bytes: small }]);
  });

  it('keeps a photo as JPEG and turns WebP and TIFF into PNG', async () => {
    const photo = await makeImage('jpeg', ['a photo']);
    const inputs: DocumentImage[] = [
      { mediaType: 'image/jpeg', bytes: photo },
      { mediaType: 'image/webp', bytes: await makeImage('webp', ['a webp']) },
      { mediaType: 'image/tiff', bytes: makeTiff() },
    ];
    const { images } = await prepareVisionImages(inputs, LIMITS);
    assert.deepEqual(
      images.map((i) => i.mediaType),
      ['image/jpeg', 'image/png', 'image/png'],
    );
    starts(images[0]!.bytes, JPEG_SIGNATURE);
    starts(images[2]!.bytes, PNG_SIGNATURE);
    assert.deepEqual([images[2]?.width, images[2]?.height], [2, 2]);
  });

  it('turns each page of a multi-page TIFF into an image, up to the limit, and counts the rest', async () => {
    const { images, omitted } = await prepareVisionImages([{ mediaType: 'image/tiff', bytes: makeTiff(3) }], {
      ...LIMITS,
      maxImages: 2,
    });
    assert.deepEqual(
      images.map((i) => i.page),
      [1, 2],
    );
    assert.equal(omitted, 1);
  });

  it('keeps at most maxImages images', async () => {
    const page = await makePng(['page'], 100, 100);
    const pages = [1, 2, 3].map((n) => ({ page: n, mediaType: 'image/png', bytes: page }));
    const { images, omitted } = await prepareVisionImages(pages, { ...LIMITS, maxImages: 2 });
    assert.equal(images.length, 2);
    assert.equal(omitted, 1);
  });

  it('refuses to decode an image of more pixels than Docket decodes (a decompression bomb)', async () => {
    const bomb = makeHugePng(12_000, 9_000);
    assert.ok(bomb.length < 2 * 1024 * 1024, `${bomb.length} bytes`);
    await assert.rejects(
      prepareVisionImages([{ mediaType: 'image/png', bytes: bomb }], LIMITS),
      (e: unknown) =>
        e instanceof UnreadableDocumentError && e.reason === 'unsupported' && /megapixels/.test(e.message),
    );
  });

  it('calls an image file that is cut short corrupt, with the worker still standing', async () => {
    const png = await makePng(['a receipt cut short'], 600, 400);
    const cut = png.subarray(0, Math.floor(png.length * 0.6));
    await assert.rejects(
      prepareVisionImages([{ mediaType: 'image/png', bytes: cut }], LIMITS),
      (e: unknown) => e instanceof UnreadableDocumentError && e.reason === 'corrupt',
    );
  });

  it('calls an image whose header is broken corrupt', async () => {
    const png = await makePng(['x'], 60, 40);
    const broken = Buffer.concat([png.subarray(0, 8), Buffer.alloc(64, 0x41)]);
    await assert.rejects(
      prepareVisionImages([{ mediaType: 'image/png', bytes: broken }], LIMITS),
      (e: unknown) => e instanceof UnreadableDocumentError && e.reason === 'corrupt',
    );
  });
});

describe('image content parts', () => {
  it('are image_url parts with a base64 data URL of the image and the detail asked for', async () => {
    const png = await makePng(['page one'], 64, 32);
    const parts = imageContentParts([{ mediaType: 'image/png', bytes: png }], 'low');
    assert.equal(parts.length, 1);
    const [part] = parts;
    assert.equal(part?.type, 'image_url');
    assert.equal(part?.image_url.detail, 'low');
    const prefix = 'data:image/png;base64,';
    assert.ok(part?.image_url.url.startsWith(prefix));
    assert.deepEqual(new Uint8Array(Buffer.from(part!.image_url.url.slice(prefix.length), 'base64')), png);
  });
});

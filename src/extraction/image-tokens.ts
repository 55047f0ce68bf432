import type { VisionDetail } from './settings.js';

/** An image's size in pixels, as sent. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * How a model counts an image's input tokens, from OpenAI's vision guide ("Calculating costs"). Tile models scale
 * the image into a 2048 px square, then its shortest side down to 768 px, and pay `base` plus `perTile` for each
 * 512 px tile (`base` alone at `low` detail). Patch models pay for the 32 px patches that cover the image, at most
 * 1536 (larger images are scaled down to fit), times a multiplier; `detail` does not change their count.
 */
type ImageTokenRule = { kind: 'tiles'; base: number; perTile: number } | { kind: 'patches'; multiplier: number };

const tiles = (base: number, perTile: number): ImageTokenRule => ({ kind: 'tiles', base, perTile });
const patches = (multiplier: number): ImageTokenRule => ({ kind: 'patches', multiplier });

/**
 * The documented rules by model name, the first match winning (so `gpt-4o-mini` before `gpt-4o`). gpt-4o-mini
 * counts many more tokens per image at a lower price per token: the same dollars, but a TPM limit and the context
 * window feel them. Where measured billing has been reported lower than the documented multiplier (gpt-5-mini), the
 * documented figure is kept: an estimate that errs high keeps a budget and a TPM reservation safe.
 */
const RULES: [RegExp, ImageTokenRule][] = [
  [/^gpt-4o-mini/, tiles(2833, 5667)],
  [/^gpt-4\.1-mini/, patches(1.62)],
  [/^gpt-4\.1-nano/, patches(2.46)],
  [/^gpt-5-mini/, patches(1.62)],
  [/^gpt-5-nano/, patches(2.46)],
  [/^o4-mini/, patches(1.72)],
  [/^o[13](-|$)/, tiles(75, 150)],
  [/^computer-use/, tiles(65, 129)],
  [/^gpt-5/, tiles(70, 140)],
];
/** gpt-4o, gpt-4.1, gpt-4.5, and any model Docket does not know (an OpenAI-compatible server's). */
const DEFAULT_RULE = tiles(85, 170);

const TILE_BOX_PX = 2048;
const TILE_SHORT_SIDE_PX = 768;
const TILE_PX = 512;
const PATCH_PX = 32;
const MAX_PATCHES = 1536;

/** The rule for a model name; a gateway's `provider/model` form counts as the model. */
function ruleFor(model: string): ImageTokenRule {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return RULES.find(([pattern]) => pattern.test(name))?.[1] ?? DEFAULT_RULE;
}

/**
 * The input tokens one image costs `model` at `detail`, as OpenAI counts them; `auto` is counted as `high`, the
 * most it can cost. Pure: the pre-flight estimate, the TPM reservation and the ledger use it before any call.
 */
export function imageTokens(size: ImageSize, model: string, detail: VisionDetail): number {
  const rule = ruleFor(model);
  if (rule.kind === 'patches') return Math.ceil(patchCount(size) * rule.multiplier);
  if (detail === 'low') return rule.base;
  return rule.base + rule.perTile * tileCount(size);
}

/** The tokens of all of a document's images. */
export function imagesTokens(sizes: readonly ImageSize[], model: string, detail: VisionDetail): number {
  return sizes.reduce((total, size) => total + imageTokens(size, model, detail), 0);
}

function tileCount({ width, height }: ImageSize): number {
  let w = width;
  let h = height;
  const fit = Math.min(1, TILE_BOX_PX / Math.max(w, h));
  w *= fit;
  h *= fit;
  // Only scaled down: a small image is not enlarged to 768 px (one tile is what a 128 × 64 image is billed).
  const shorten = Math.min(1, TILE_SHORT_SIDE_PX / Math.min(w, h));
  w *= shorten;
  h *= shorten;
  return Math.ceil(w / TILE_PX) * Math.ceil(h / TILE_PX);
}

function patchCount({ width, height }: ImageSize): number {
  const raw = Math.ceil(width / PATCH_PX) * Math.ceil(height / PATCH_PX);
  if (raw <= MAX_PATCHES) return raw;
  // The documented downscale: to the patch budget, then to a whole number of patches on the tighter side.
  const shrink = Math.sqrt((PATCH_PX * PATCH_PX * MAX_PATCHES) / (width * height));
  const w = (width * shrink) / PATCH_PX;
  const h = (height * shrink) / PATCH_PX;
  const adjusted = shrink * Math.min(Math.floor(w) / w, Math.floor(h) / h);
  const scaled =
    Math.ceil(Math.floor(width * adjusted) / PATCH_PX) * Math.ceil(Math.floor(height * adjusted) / PATCH_PX);
  return Math.min(scaled, MAX_PATCHES);
}

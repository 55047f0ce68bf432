/**
 * The measured half of `npm run bench:extraction`, in a process of its own so that its peak RSS is extraction's
 * alone: extracts every file of a folder one after the other and prepares its images for a vision model, as the
 * extraction activity does with one slot (without the database), and prints one JSON line per file, then a summary
 * line with the process's peak RSS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_VISION_MAX_PAGES,
  DEFAULT_VISION_MAX_PIXELS,
  extractDocument,
  prepareVisionImages,
  UnreadableDocumentError,
} from '../src/extraction/index.js';

/** One file's outcome. */
export interface FileRow {
  name: string;
  category: string;
  bytes: number;
  ms: number;
  method?: string;
  pagesRead?: number;
  images?: number;
  error?: string;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: extraction-run.ts <folder>');

const startRss = process.memoryUsage().rss;
const started = performance.now();
for (const name of readdirSync(dir).sort()) {
  const bytes = readFileSync(join(dir, name));
  const category = /^\d+-([\w-]+)\./.exec(name)?.[1] ?? 'other';
  const t0 = performance.now();
  const row: FileRow = { name, category, bytes: bytes.length, ms: 0 };
  try {
    const result = await extractDocument(bytes, { name });
    const prepared = await prepareVisionImages(result.images ?? [], {
      maxImages: DEFAULT_VISION_MAX_PAGES,
      maxPixels: DEFAULT_VISION_MAX_PIXELS,
    });
    row.method = result.method;
    row.pagesRead = result.pagesRead ?? result.pages ?? 1;
    row.images = prepared.images.length;
  } catch (error) {
    if (!(error instanceof UnreadableDocumentError)) throw error;
    row.error = error.reason;
  }
  row.ms = performance.now() - t0;
  console.log(JSON.stringify(row));
}
console.log(
  JSON.stringify({
    summary: true,
    seconds: (performance.now() - started) / 1000,
    startRss,
    // resourceUsage().maxRSS is in KiB: the process's high-water mark, between the samples a poller would miss.
    peakRss: process.resourceUsage().maxRSS * 1024,
  }),
);

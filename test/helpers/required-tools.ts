import { createTesseractOcr } from '../../src/extraction/index.js';

/** CI installs every tool the suite uses (npm run setup): there a missing tool fails its tests instead of skipping them. */
export const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** The tesseract engine as Docket finds it, and the `skip` option for tests that need it (never a skip under CI). */
export async function findTesseract(): Promise<{
  tesseract: Awaited<ReturnType<typeof createTesseractOcr>>;
  skip: string | false;
}> {
  const tesseract = await createTesseractOcr();
  const skip = !tesseract.available && !isCi ? `tesseract is not installed (${tesseract.reason})` : false;
  return { tesseract, skip };
}

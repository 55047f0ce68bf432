import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { normalizeText } from './normalize-text.js';

const execFileAsync = promisify(execFile);

/** Reads the text of a page image. */
export interface OcrEngine {
  /** `<engine>@<version>`, stored in the extraction's `extractor` beside the parser's. */
  readonly tag: string;
  /** The text of one image (PNG, JPEG, WebP or TIFF bytes), normalised; `''` when it holds none. */
  recognize(image: Uint8Array): Promise<string>;
}

/** Options of {@link createTesseractOcr}. */
export interface TesseractOptions {
  /** Tesseract's `-l` argument, `+`-separated. @default eng */
  languages?: string;
  /** The command. @default tesseract (Debian's tesseract-ocr package puts it on PATH) */
  command?: string;
  /** Time one page may take before it is given up, ms. @default 120000 */
  timeoutMs?: number;
}

/** Tesseract ready to run, or why it cannot (for the worker's one warning). */
export type OcrAvailability = { available: true; engine: OcrEngine } | { available: false; reason: string };

/**
 * Tesseract, when its command and every requested language are installed: checked once here (`--version`,
 * `--list-langs`), so that a worker configured with DOCKET_OCR=tesseract on a machine without it says why once and
 * extracts without OCR, instead of failing every document.
 */
export async function createTesseractOcr(options: TesseractOptions = {}): Promise<OcrAvailability> {
  const command = options.command ?? 'tesseract';
  const languages = options.languages ?? 'eng';
  let version: string;
  let installed: string[];
  try {
    const [versionOut, langsOut] = await Promise.all([
      execFileAsync(command, ['--version'], { timeout: 10_000 }),
      execFileAsync(command, ['--list-langs'], { timeout: 10_000 }),
    ]);
    version = /tesseract\s+v?([\d.]+)/i.exec(versionOut.stdout + versionOut.stderr)?.[1] ?? 'unknown';
    installed = (langsOut.stdout + langsOut.stderr).split('\n').map((line) => line.trim());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      available: false,
      reason:
        code === 'ENOENT'
          ? `the ${command} command is not installed (Debian: apt-get install tesseract-ocr)`
          : `${command} does not run: ${(error as Error).message}`,
    };
  }
  const missing = languages.split('+').filter((language) => !installed.includes(language));
  if (missing.length > 0) {
    return {
      available: false,
      reason: `tesseract has no data for ${missing.join(', ')} (Debian: apt-get install ${missing.map((l) => `tesseract-ocr-${l.replace(/_/g, '-').toLowerCase()}`).join(' ')})`,
    };
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    available: true,
    engine: { tag: `tesseract@${version}`, recognize: (image) => runTesseract(command, languages, image, timeoutMs) },
  };
}

/** `tesseract stdin stdout`: the image on standard input, the text on standard output, nothing on disk. */
function runTesseract(command: string, languages: string, image: Uint8Array, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // One thread per page: the worker runs extractions side by side (DOCKET_EXTRACTION_CONCURRENCY) on few cores.
    const child = spawn(command, ['stdin', 'stdout', '-l', languages, '--psm', '3'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(normalizeText(Buffer.concat(out).toString('utf8')));
      const detail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-2).join(' ');
      reject(new Error(`tesseract failed (${signal ?? `exit ${code}`}): ${detail.slice(0, 300)}`));
    });
    // A tesseract that exits early (a bad image) closes its input: the write error is the exit's, reported above.
    child.stdin.on('error', () => undefined);
    child.stdin.end(image);
  });
}

import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { detectDocumentType, DOCUMENT_KIND, type DetectedType } from '../extraction/detect.js';
import { UnsupportedTypeError } from '../extraction/errors.js';
import { CliError } from './exit-codes.js';
import { expandGlob, isGlob } from './glob.js';

/** One document read from the command line's inputs. */
export interface InputDocument {
  /** Where it came from, for messages: a path relative to the cwd, `<stdin>`, or `file.jsonl:12`. */
  source: string;
  id?: string;
  text: string;
  metadata?: Record<string, unknown>;
}

/**
 * One file read from the command line's inputs that goes to the API as a file (multipart), not as text: a PDF, a
 * Word file, HTML, an e-mail or an image. Its bytes are read again when it is sent, so that a large folder is never
 * held in memory at once.
 */
export interface InputFile {
  /** Where it came from, for messages: a path relative to the cwd. */
  source: string;
  /** Its absolute path. */
  path: string;
  /** The name sent with it: its path relative to the cwd, so that the server keeps where it came from. */
  fileName: string;
  /** The type detected from its content, e.g. `application/pdf`. */
  mediaType: string;
  /** Its size in bytes. */
  size: number;
  /** The SHA-256 of its bytes (hex): with the taxonomy, the server derives its id from it. */
  contentHash: string;
  id?: string;
}

export interface CollectOptions {
  /** A JSON Lines file (or `-` for stdin) with one `{ id?, text, metadata? }` per line. */
  jsonl?: string;
  /** Use each file's path relative to the cwd as its id. */
  idFromPath: boolean;
  /** Extensions (without dots) files in folders must have; every plain-text file when empty. */
  extensions: string[];
  cwd: string;
  stdin: NodeJS.ReadableStream;
}

export interface CollectedInputs {
  /** Documents sent as text (JSON): plain text and Markdown files, stdin, JSON Lines. */
  documents: InputDocument[];
  /** Documents sent as files (multipart): PDFs, Word files, HTML, e-mails, images. */
  files: InputFile[];
  /**
   * Files that were left out, and why (an unsupported type, empty, not UTF-8 text); `named` when the file was named
   * on the command line rather than found in a folder or by a glob.
   */
  skipped: { source: string; reason: string; named?: true }[];
}

// Control characters other than tab, newline and carriage return mark binary content (as the API decides).
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Reads the documents named on the command line: files, folders (recursively; hidden entries and node_modules are
 * left out), globs (`'inbox/**\/*.pdf'`, for shells that do not expand them), `-` for stdin, and a JSON Lines file.
 * Each file's type is detected from its content as the server detects it: plain text and Markdown go as text, the
 * other supported types (PDF, .docx, HTML, e-mail, images) as files; the rest are reported in `skipped`, and the
 * others still go. A path that does not exist, or a glob that matches nothing, is an error before anything is sent.
 */
export async function collectInputs(paths: readonly string[], options: CollectOptions): Promise<CollectedInputs> {
  const collector = new InputCollector(options);
  for (const path of paths) await collector.addPath(path);
  if (options.jsonl !== undefined) await collector.addJsonl(options.jsonl);
  return collector.collected;
}

/** The documents and skipped files of one `collectInputs`, gathered in the order they were named. */
class InputCollector {
  readonly collected: CollectedInputs = { documents: [], files: [], skipped: [] };
  readonly #options: CollectOptions;
  readonly #extensions: Set<string>;
  #stdinUsed = false;

  constructor(options: CollectOptions) {
    this.#options = options;
    this.#extensions = new Set(options.extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
  }

  /** A path named on the command line: `-` for stdin, a folder (walked), or a file. */
  async addPath(path: string): Promise<void> {
    if (path === '-') {
      const checked = checkText(await this.#readStdin('-'));
      if (!checked.ok) throw new CliError(`<stdin>: ${checked.reason}`);
      this.collected.documents.push({ source: '<stdin>', text: checked.text });
      return;
    }
    const absolute = resolve(this.#options.cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info && isGlob(path)) return this.#addGlob(path);
    if (!info) throw new CliError(`${path}: no such file or folder`);
    if (info.isDirectory()) await this.#walk(absolute, new Set());
    else await this.#addFile(absolute, true);
  }

  /** The files a glob matches, in name order; none is an error (as a path that does not exist). */
  async #addGlob(pattern: string): Promise<void> {
    const matches = await expandGlob(pattern, this.#options.cwd);
    if (matches.length === 0) throw new CliError(`${pattern}: no file matches`);
    for (const path of matches) await this.#addFile(path, false);
  }

  /** The documents of a JSON Lines file, or of stdin for `-`. */
  async addJsonl(jsonl: string): Promise<void> {
    const name = jsonl === '-' ? '<stdin>' : jsonl;
    const bytes =
      jsonl === '-'
        ? await this.#readStdin('--jsonl -')
        : await readFile(resolve(this.#options.cwd, jsonl)).catch((err: NodeJS.ErrnoException) => {
            throw new CliError(`${name}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
          });
    this.collected.documents.push(...parseJsonl(bytes, name));
  }

  async #readStdin(what: string): Promise<Buffer> {
    if (this.#stdinUsed) throw new CliError(`stdin can be read only once (${what})`);
    this.#stdinUsed = true;
    return readAll(this.#options.stdin);
  }

  /**
   * A file: text (plain text or Markdown) as a text document, another supported type as a file, anything else (or an
   * empty or undecodable text) reported in `skipped`; `named` when it was named on the command line.
   */
  async #addFile(absolute: string, named: boolean): Promise<void> {
    const source = displayPath(absolute, this.#options.cwd);
    const bytes = await readFile(absolute);
    const detected = await detectType(bytes, source);
    if ('reason' in detected) return this.#skip(source, detected.reason, named);
    const id = this.#options.idFromPath ? { id: idFromPath(source) } : {};
    if (detected.kind !== DOCUMENT_KIND.text) {
      this.collected.files.push({
        source,
        path: absolute,
        fileName: source,
        mediaType: detected.mediaType,
        size: bytes.length,
        contentHash: createHash('sha256').update(bytes).digest('hex'),
        ...id,
      });
      return;
    }
    const checked = checkText(bytes);
    if (!checked.ok) return this.#skip(source, checked.reason, named);
    this.collected.documents.push({ source, text: checked.text, metadata: { path: source }, ...id });
  }

  #skip(source: string, reason: string, named: boolean): void {
    this.collected.skipped.push({ source, reason, ...(named ? { named: true as const } : {}) });
  }

  /** Every file below `dir` in name order, each real folder once (links may loop). */
  async #walk(dir: string, seen: Set<string>): Promise<void> {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) await this.#walk(path, seen);
      else if (info?.isFile() && this.#wanted(entry.name)) await this.#addFile(path, false);
    }
  }

  /** Whether `--ext` lets a file found in a folder in. */
  #wanted(name: string): boolean {
    return this.#extensions.size === 0 || this.#extensions.has(extname(name).slice(1).toLowerCase());
  }
}

/** A file's type as the server detects it, or why it cannot be sent. */
async function detectType(bytes: Buffer, name: string): Promise<DetectedType | { reason: string }> {
  try {
    return await detectDocumentType(bytes, name);
  } catch (err) {
    if (err instanceof UnsupportedTypeError) return { reason: err.message };
    throw err;
  }
}

/** One document per non-blank line: `{ "id"?: string, "text": string, "metadata"?: object }`. */
export function parseJsonl(bytes: Buffer, name: string): InputDocument[] {
  const decoded = decode(bytes);
  if (decoded === undefined) throw new CliError(`${name}: not valid UTF-8`);
  const documents: InputDocument[] = [];
  decoded.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const source = `${name}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new CliError(`${source}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CliError(`${source}: expected an object like {"id": "a-1", "text": "...", "metadata": {}}`);
    }
    const { id, text, metadata, ...rest } = value as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new CliError(`${source}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
    if (typeof text !== 'string') throw new CliError(`${source}: "text" must be a string`);
    if (id !== undefined && (typeof id !== 'string' || !ID_PATTERN.test(id))) {
      throw new CliError(`${source}: "id" may use letters, digits, ".", "_", ":" and "-" (1–128 characters)`);
    }
    if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
      throw new CliError(`${source}: "metadata" must be an object`);
    }
    const checked = checkString(text);
    if (!checked.ok) throw new CliError(`${source}: ${checked.reason}`);
    documents.push({
      source,
      text,
      ...(id !== undefined ? { id } : {}),
      ...(metadata !== undefined ? { metadata: metadata as Record<string, unknown> } : {}),
    });
  });
  return documents;
}

/** A document id from a path relative to the cwd: separators become `:`, other characters outside the id alphabet `_`. */
export function idFromPath(path: string): string {
  const id = path
    .split(sep)
    .join('/')
    .replace(/^(\.\.\/)+/, '')
    .replace(/\//g, ':')
    .replace(/[^A-Za-z0-9._:-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '');
  if (id.length === 0) return `path-${shortHash(path)}`;
  return id.length <= 128 ? id : `${id.slice(0, 111)}-${shortHash(path)}`;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel === '' || isAbsolute(rel) ? absolute : rel;
}

type Checked = { ok: true; text: string } | { ok: false; reason: string };

function checkText(bytes: Buffer): Checked {
  const text = decode(bytes);
  if (text === undefined) return { ok: false, reason: 'not valid UTF-8 text' };
  return checkString(text);
}

function checkString(text: string): Checked {
  if (text.trim().length === 0) return { ok: false, reason: 'empty' };
  if (BINARY.test(text)) return { ok: false, reason: 'binary content (control characters), not plain text' };
  return { ok: true, text };
}

function decode(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

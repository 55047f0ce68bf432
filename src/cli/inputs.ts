import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CliError } from './exit-codes.js';

/** One document read from the command line's inputs. */
export interface InputDocument {
  /** Where it came from, for messages: a path relative to the cwd, `<stdin>`, or `file.jsonl:12`. */
  source: string;
  id?: string;
  text: string;
  metadata?: Record<string, unknown>;
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
  documents: InputDocument[];
  /** Files in folders that were left out, and why. */
  skipped: { source: string; reason: string }[];
}

// Control characters other than tab, newline and carriage return mark binary content (as the API decides).
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Reads the documents named on the command line: files, folders (recursively; hidden entries and node_modules
 * are skipped, and so are files that are not plain UTF-8 text), `-` for stdin, and a JSON Lines file. Anything
 * named explicitly that cannot be sent is an error, before any document is submitted.
 */
export async function collectInputs(paths: readonly string[], options: CollectOptions): Promise<CollectedInputs> {
  const collector = new InputCollector(options);
  for (const path of paths) await collector.addPath(path);
  if (options.jsonl !== undefined) await collector.addJsonl(options.jsonl);
  return collector.collected;
}

/** The documents and skipped files of one `collectInputs`, gathered in the order they were named. */
class InputCollector {
  readonly collected: CollectedInputs = { documents: [], skipped: [] };
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
    if (!info) throw new CliError(`${path}: no such file or folder`);
    if (info.isDirectory()) await this.#walk(absolute, new Set());
    else await this.#addFile(absolute, true);
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

  /** A file named on the command line must be plain text; one found in a folder is skipped when it is not. */
  async #addFile(absolute: string, explicit: boolean): Promise<void> {
    const source = displayPath(absolute, this.#options.cwd);
    const checked = checkText(await readFile(absolute));
    if (!checked.ok) {
      if (explicit) throw new CliError(`${source}: ${checked.reason}`);
      this.collected.skipped.push({ source, reason: checked.reason });
      return;
    }
    this.collected.documents.push({
      source,
      text: checked.text,
      metadata: { path: source },
      ...(this.#options.idFromPath ? { id: idFromPath(source) } : {}),
    });
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

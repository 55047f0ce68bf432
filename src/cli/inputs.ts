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
  const documents: InputDocument[] = [];
  const skipped: CollectedInputs['skipped'] = [];
  const extensions = new Set(options.extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
  let stdinUsed = false;
  const readStdin = async (what: string) => {
    if (stdinUsed) throw new CliError(`stdin can be read only once (${what})`);
    stdinUsed = true;
    return readAll(options.stdin);
  };

  const addFile = async (absolute: string, explicit: boolean) => {
    const source = displayPath(absolute, options.cwd);
    const checked = checkText(await readFile(absolute));
    if (!checked.ok) {
      if (explicit) throw new CliError(`${source}: ${checked.reason}`);
      skipped.push({ source, reason: checked.reason });
      return;
    }
    documents.push({
      source,
      text: checked.text,
      metadata: { path: source },
      ...(options.idFromPath ? { id: idFromPath(source) } : {}),
    });
  };

  const walk = async (dir: string, seen: Set<string>) => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) await walk(path, seen);
      else if (info?.isFile()) {
        if (extensions.size > 0 && !extensions.has(extname(entry.name).slice(1).toLowerCase())) continue;
        await addFile(path, false);
      }
    }
  };

  for (const path of paths) {
    if (path === '-') {
      const checked = checkText(await readStdin('-'));
      if (!checked.ok) throw new CliError(`<stdin>: ${checked.reason}`);
      documents.push({ source: '<stdin>', text: checked.text });
      continue;
    }
    const absolute = resolve(options.cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new CliError(`${path}: no such file or folder`);
    if (info.isDirectory()) await walk(absolute, new Set());
    else await addFile(absolute, true);
  }

  if (options.jsonl !== undefined) {
    const name = options.jsonl === '-' ? '<stdin>' : options.jsonl;
    let bytes: Buffer;
    if (options.jsonl === '-') bytes = await readStdin('--jsonl -');
    else {
      bytes = await readFile(resolve(options.cwd, options.jsonl)).catch((err: NodeJS.ErrnoException) => {
        throw new CliError(`${name}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
    }
    documents.push(...parseJsonl(bytes, name));
  }
  return { documents, skipped };
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

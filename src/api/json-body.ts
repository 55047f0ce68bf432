import type { MiddlewareHandler } from 'hono';
import { isLosslessNumber, parse as parseLossless, splitNumber } from 'lossless-json';
import { HttpError } from './http-error.js';
import { formatPath } from '../validation/describe-issue.js';

// `application/json`, optionally with parameters; not `application/json-patch+json` nor other `+json` types,
// whose meaning differs.
const JSON_TYPE = /^application\/json\s*(?:;(.*))?$/i;

/** Options of {@link jsonBody}. */
export interface JsonBodyOptions {
  /** The content types the route takes, as the 415 answer names them. @default 'application/json' */
  accepted?: string;
}

/**
 * Reads a JSON body strictly before any validation: 415 for another content type or charset, 413 past `maxBytes`,
 * 400 for invalid UTF-8, malformed JSON, or JSON that would not be stored exactly (see `checkJsonText`). The
 * parsed body is then available to the route's validator.
 */
export function jsonBody(maxBytes: number, options: JsonBodyOptions = {}): MiddlewareHandler {
  const accepted = options.accepted ?? 'application/json';
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    const match = JSON_TYPE.exec(type.trim());
    if (!match) {
      throw new HttpError(
        'unsupported_media_type',
        `send the body as ${accepted} (got "${type.slice(0, 100) || 'no content type'}")`,
      );
    }
    const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(match[1] ?? '')?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) {
      throw new HttpError('unsupported_media_type', `send the body as UTF-8 (got charset=${charset.slice(0, 40)})`);
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxBytes)
      throw new HttpError('payload_too_large', `the body is ${declared} bytes; the limit is ${maxBytes}`);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > maxBytes) {
      throw new HttpError('payload_too_large', `the body is ${bytes.byteLength} bytes; the limit is ${maxBytes}`);
    }
    if (bytes.byteLength === 0) throw new HttpError('bad_request', 'the body is empty: send a JSON object');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new HttpError('bad_request', 'the body is not valid UTF-8');
    }
    checkJsonText(text);
    await next();
  };
}

/** {@link jsonBody} for the POST requests of a path whose other methods (GET, DELETE) carry no body. */
export function jsonBodyOnPost(maxBytes: number): MiddlewareHandler {
  const read = jsonBody(maxBytes);
  return async (c, next) => (c.req.method === 'POST' ? read(c, next) : next());
}

/**
 * How deep a request body may nest. Deeper bodies are refused before they are parsed: `JSON.stringify` and
 * recursive validators overflow the stack near 5,000 levels, and no Docket field needs more than a few.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Checks a JSON request body that a generic parser would accept but PostgreSQL or `JSON.parse` would alter or
 * refuse, and throws a 400 naming the field: nesting past {@link MAX_JSON_DEPTH}, malformed JSON, a key given
 * twice, a `__proto__` key (dropped by JavaScript objects), a number that a 64-bit float cannot hold exactly
 * (`1e999`, `12345678901234567890`), a NUL character or an unpaired surrogate (PostgreSQL cannot store them).
 */
export function checkJsonText(text: string): void {
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new HttpError(
      'bad_request',
      `the body nests ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}: flatten the metadata`,
    );
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw new HttpError('bad_request', `the body is not valid JSON: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseLossless(text);
  } catch (err) {
    const duplicate = /^Duplicate key '(.*)' encountered/s.exec((err as Error).message);
    throw new HttpError(
      'bad_request',
      duplicate ? `the key "${duplicate[1]}" appears twice in one object: send it once` : (err as Error).message,
    );
  }
  checkJsonValue(value, []);
}

/**
 * The JSON object of a text field (a multipart `metadata` field), checked as strictly as a JSON body
 * ({@link checkJsonText}); a string saying what to fix when it is not one.
 */
export function parseMetadataText(raw: string): Record<string, unknown> | string {
  try {
    checkJsonText(raw);
  } catch (err) {
    return (err as Error).message.replace(/^the body/, 'the field');
  }
  const value: unknown = JSON.parse(raw);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'metadata must be a JSON object such as {"team": "ops"}';
  }
  return value as Record<string, unknown>;
}

/** The deepest nesting of arrays and objects in JSON text, counted without parsing it. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return deepest;
}

function checkJsonValue(value: unknown, path: (string | number)[]): void {
  if (typeof value === 'string') return checkString(value, path);
  if (isLosslessNumber(value)) {
    if (!storedExactly(value.value)) {
      const shown = value.value.length > 24 ? `${value.value.slice(0, 24)}…` : value.value;
      throw new HttpError(
        'bad_request',
        `${formatPath(path)}: the number ${shown} cannot be stored exactly (too large or too precise for a ` +
          '64-bit float): send it as a string',
      );
    }
    return;
  }
  if (Array.isArray(value)) return value.forEach((item, i) => checkJsonValue(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      checkString(key, [...path, key]);
      if (key === '__proto__') {
        throw new HttpError(
          'bad_request',
          `${formatPath([...path, key])}: the key "__proto__" is not allowed: rename it`,
        );
      }
      checkJsonValue(item, [...path, key]);
    }
  }
}

/** Whether a JSON number literal survives `JSON.parse` and `JSON.stringify` with its decimal value unchanged. */
function storedExactly(literal: string): boolean {
  const parsed = Number(literal);
  if (!Number.isFinite(parsed)) return false;
  const [a, b] = [splitNumber(literal), splitNumber(String(parsed))];
  return a.sign === b.sign && a.digits === b.digits && a.exponent === b.exponent;
}

// With the `u` flag a paired surrogate reads as one astral character: only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

function checkString(value: string, path: (string | number)[]): void {
  if (value.includes('\u0000')) {
    throw new HttpError(
      'bad_request',
      `${formatPath(path)}: contains a NUL character (\\u0000), which cannot be stored: send plain text, not binary content`,
    );
  }
  if (LONE_SURROGATE.test(value)) {
    throw new HttpError(
      'bad_request',
      `${formatPath(path)}: contains an unpaired UTF-16 surrogate (a lone \\ud800–\\udfff escape): send valid Unicode`,
    );
  }
}

import type { MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.js';
import { checkJsonText } from './validation.js';

// `application/json`, optionally with parameters; not `application/json-patch+json` nor other `+json` types,
// whose meaning differs.
const JSON_TYPE = /^application\/json\s*(?:;(.*))?$/i;

/**
 * Reads a JSON body strictly before any validation: 415 for another content type or charset, 413 past `maxBytes`,
 * 400 for invalid UTF-8, malformed JSON, or JSON that would not be stored exactly (see `checkJsonText`). The
 * parsed body is then available to the route's validator.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    const match = JSON_TYPE.exec(type.trim());
    if (!match) {
      throw new HttpError(
        'unsupported_media_type',
        `send the body as application/json (got "${type.slice(0, 100) || 'no content type'}")`,
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

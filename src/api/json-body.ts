import type { MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.js';

/**
 * Reads a JSON body strictly before any validation: 415 for another content type, 413 past `maxBytes`,
 * 400 for invalid UTF-8 or malformed JSON. The parsed body is then available to the route's validator.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) {
      throw new HttpError(
        'unsupported_media_type',
        `send the body as application/json (got "${type || 'no content type'}")`,
      );
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxBytes)
      throw new HttpError('payload_too_large', `the body is ${declared} bytes; the limit is ${maxBytes}`);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > maxBytes) {
      throw new HttpError('payload_too_large', `the body is ${bytes.byteLength} bytes; the limit is ${maxBytes}`);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new HttpError('bad_request', 'the body is not valid UTF-8');
    }
    try {
      JSON.parse(text);
    } catch (err) {
      throw new HttpError('bad_request', `the body is not valid JSON: ${(err as Error).message}`);
    }
    await next();
  };
}

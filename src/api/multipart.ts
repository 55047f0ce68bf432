import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from './http-error.js';
import { jsonBody } from './json-body.js';

const MULTIPART_TYPE = /^multipart\/form-data\b/i;

/** Room in a multipart body beside its files: part headers, boundaries, the id, taxonomy and metadata fields. */
export const FORM_OVERHEAD_BYTES = 128 * 1024;

/** Options of {@link documentBodyOnPost}. */
export interface DocumentBodyLimits {
  /** The largest JSON body, bytes. */
  jsonBytes: number;
  /** The largest multipart body, bytes: its files plus {@link FORM_OVERHEAD_BYTES}. */
  multipartBytes: number;
  /** The 413 message of a multipart body over `multipartBytes` (`bytes`: its size, when announced). */
  tooLarge: (bytes: number | undefined) => string;
}

/**
 * The body of a route that takes a document as JSON or as a file: a POST's `multipart/form-data` body is refused
 * past `multipartBytes` with a 413 before it is read (by its Content-Length) or as soon as the bytes received pass
 * it (a chunked body), so that no body is buffered unbounded; any other POST body is read as strict JSON
 * (`jsonBody`), its 415 naming both types. Other methods carry no body.
 */
export function documentBodyOnPost(limits: DocumentBodyLimits): MiddlewareHandler {
  const json = jsonBody(limits.jsonBytes, { accepted: 'application/json or multipart/form-data' });
  const form = bodyLimit({
    maxSize: limits.multipartBytes,
    onError: () => {
      throw new HttpError('payload_too_large', limits.tooLarge(undefined));
    },
  });
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const type = c.req.header('content-type') ?? '';
    if (!MULTIPART_TYPE.test(type)) return json(c, next);
    if (!/;\s*boundary=/i.test(type)) {
      throw new HttpError(
        'bad_request',
        'the multipart/form-data content type has no boundary: let the HTTP client build the body (curl -F, FormData)',
      );
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > limits.multipartBytes) throw new HttpError('payload_too_large', limits.tooLarge(declared));
    return form(c, next);
  };
}

/** Whether a request's body is `multipart/form-data` (a file), rather than JSON. */
export function isMultipart(contentType: string | undefined): boolean {
  return MULTIPART_TYPE.test(contentType ?? '');
}

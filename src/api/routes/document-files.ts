import { createRoute, z } from '@hono/zod-openapi';
import { getOriginalFile, getPageImage, type StoredBytes } from '../../documents/document-files.js';
import { errors, needsRole, security, type ApiApp, type AppDeps } from '../openapi.js';
import { idParam } from '../validation.js';

/** Page image numbers a path may name: more than any vision limit keeps (DOCKET_VISION_MAX_PAGES). */
const MAX_PAGE = 10_000;

const pageParams = idParam.extend({
  n: z
    .string()
    .regex(/^[1-9]\d{0,4}$/, `n in the path is a page image number from 1 to ${MAX_PAGE}, in decimal digits`)
    .transform(Number)
    .refine((n) => n <= MAX_PAGE, `n in the path is a page image number from 1 to ${MAX_PAGE}`)
    .openapi({ param: { name: 'n', in: 'path' }, type: 'integer', minimum: 1, maximum: MAX_PAGE }),
});

const binary = (description: string, ...mediaTypes: string[]) => ({
  content: Object.fromEntries(mediaTypes.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }])),
  description,
});

/**
 * A file document's bytes for a reviewer: `GET /v1/documents/{id}/file` (the original, as an attachment) and
 * `GET /v1/documents/{id}/pages/{n}` (its n-th stored page image), so that a document whose text could not be read
 * can still be decided from what it shows. Reviewer role: these are the document's content.
 */
export function registerDocumentFileRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/documents/{id}/file',
      summary: "A file document's original file, as submitted",
      security,
      middleware: [needsRole(deps.config, 'reviewer')] as const,
      request: { params: idParam },
      responses: {
        200: binary('The file, with its detected media type, as an attachment', 'application/octet-stream'),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const file = await getOriginalFile(deps, c.req.valid('param').id);
      return send(file, attachment(file.fileName ?? c.req.valid('param').id));
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/documents/{id}/pages/{n}',
      summary: 'The n-th page image stored for a file document (scanned pages, photos)',
      security,
      middleware: [needsRole(deps.config, 'reviewer')] as const,
      request: { params: pageParams },
      responses: {
        200: binary('The page image', 'image/png', 'image/jpeg'),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id, n } = c.req.valid('param');
      return send(await getPageImage(deps, id, n), 'inline');
    },
  );
}

/**
 * The bytes with their type, never sniffed nor cached; a sandbox CSP keeps a submitted HTML file (or an image that is
 * not one) from running as a page of this origin if a browser opens it directly.
 */
function send(stored: StoredBytes, disposition: string): Response {
  // Bytes read by pg: a Buffer over a plain (never shared) ArrayBuffer.
  return new Response(stored.bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      'content-type': stored.mediaType,
      'content-length': String(stored.bytes.length),
      'content-disposition': disposition,
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
}

/** `attachment` with the name in ASCII (quotes and controls replaced) and in full as RFC 5987 UTF-8. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

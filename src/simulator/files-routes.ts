import type { Hono } from 'hono';
import { fileNotFound, fileTooLarge, notJsonl, unknownCursor } from './batch-errors.js';
import { BATCH_FILE_TTL_MS, fileObject, UPLOAD_PURPOSES } from './files.js';
import { reply, type Env, type SimContext } from './http.js';
import { errorAnswer, missingParameter } from './openai-errors.js';
import { listLimit, paginate } from './pagination.js';
import { invalidValue } from './request.js';
import type { SimulatorState } from './state.js';

/** Files a list returns at most, and by default (OpenAI's figures). */
const MAX_FILES_PER_PAGE = 10_000;

/** OpenAI's Files API: upload (multipart), retrieve, list, delete and content. */
export function registerFileRoutes(app: Hono<Env>, state: SimulatorState): void {
  app.post('/v1/files', (c) => uploadFile(c, state));

  app.get('/v1/files', (c) => {
    const limit = listLimit(c.req.query('limit'), MAX_FILES_PER_PAGE, MAX_FILES_PER_PAGE);
    if (typeof limit !== 'number') return reply(c, state, limit);
    const order = c.req.query('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') {
      return reply(c, state, invalidValue('order', order, ['asc', 'desc']));
    }
    const files = state.files.list(state.settledNow(), { purpose: c.req.query('purpose'), order }).map(fileObject);
    const after = c.req.query('after');
    const page = paginate(files, after, limit);
    if (!page) return reply(c, state, unknownCursor(after ?? ''));
    return reply(c, state, { status: 200, body: page });
  });

  app.get('/v1/files/:id', (c) => {
    const id = noteFile(c);
    const file = state.files.get(id, state.settledNow());
    return reply(c, state, file ? { status: 200, body: fileObject(file) } : fileNotFound(id));
  });

  app.delete('/v1/files/:id', (c) => {
    const id = noteFile(c);
    if (!state.files.delete(id, state.settledNow())) return reply(c, state, fileNotFound(id));
    return reply(c, state, { status: 200, body: { id, object: 'file', deleted: true } });
  });

  app.get('/v1/files/:id/content', (c) => {
    const id = noteFile(c);
    const file = state.files.get(id, state.settledNow());
    if (!file) return reply(c, state, fileNotFound(id));
    return new Response(new Uint8Array(file.content), {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${file.filename}"`,
        'x-docket-simulator': 'true',
        'x-request-id': c.get('requestId'),
        'openai-version': '2020-10-01',
      },
    });
  });
}

/**
 * Stores an upload. A `purpose: "batch"` file must be named `.jsonl` and fit the per-file byte limit; its lines are
 * checked when a job is created from it (OpenAI accepts a file with bad lines and fails the job at validation).
 */
async function uploadFile(c: SimContext, state: SimulatorState): Promise<Response> {
  let form: Record<string, string | File>;
  try {
    form = await c.req.parseBody();
  } catch {
    return reply(
      c,
      state,
      errorAnswer(400, 'The request body is not a readable multipart form.', 'invalid_request_error'),
    );
  }
  const { file, purpose } = form;
  if (!(file instanceof File)) return reply(c, state, missingParameter('file'));
  if (typeof purpose !== 'string') return reply(c, state, missingParameter('purpose'));
  if (!(UPLOAD_PURPOSES as readonly string[]).includes(purpose)) {
    return reply(c, state, invalidValue('purpose', purpose, [...UPLOAD_PURPOSES]));
  }
  const { maxBytesPerFile } = state.profile.batchLimits;
  if (purpose === 'batch' && !file.name.endsWith('.jsonl')) return reply(c, state, notJsonl());
  if (purpose === 'batch' && file.size > maxBytesPerFile) {
    return reply(c, state, fileTooLarge(file.size, maxBytesPerFile));
  }
  const now = state.settledNow();
  const stored = state.files.add({
    purpose,
    filename: file.name,
    content: Buffer.from(await file.arrayBuffer()),
    createdAt: now,
    ...(purpose === 'batch' ? { expiresAt: now + BATCH_FILE_TTL_MS } : {}),
    availableAt: now,
  });
  const recorded = c.get('batchApiRequest');
  if (recorded) recorded.fileId = stored.id;
  return reply(c, state, { status: 200, body: fileObject(stored) });
}

/** The file id of the path, noted on the request's record. */
function noteFile(c: SimContext): string {
  const id = c.req.param('id') ?? '';
  const recorded = c.get('batchApiRequest');
  if (recorded) recorded.fileId = id;
  return id;
}

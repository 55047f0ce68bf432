import type { Hono } from 'hono';
import {
  batchNotFound,
  cannotCancel,
  fileNotFound,
  metadataTooLong,
  notABatchFile,
  tooManyMetadataPairs,
  unknownCursor,
  unsupportedEndpoint,
} from './batch-errors.js';
import { planBatch, type BatchParams } from './batch-run.js';
import { batchObject } from './batches.js';
import { bearerToken, reply, type Env, type SimContext } from './http.js';
import { errorAnswer, missingParameter, unparseableBody, type ErrorAnswer } from './openai-errors.js';
import { listLimit, paginate } from './pagination.js';
import { invalidValue } from './request.js';
import type { SimulatorState } from './state.js';

/** Endpoints OpenAI runs batches for; the simulator runs the first. */
const BATCH_ENDPOINTS = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/completions',
  '/v1/moderations',
  '/v1/images/generations',
  '/v1/images/edits',
  '/v1/videos',
];

/** OpenAI's metadata limits: 16 pairs, keys up to 64 characters, values up to 512. */
const METADATA_MAX_PAIRS = 16;
const METADATA_MAX_KEY = 64;
const METADATA_MAX_VALUE = 512;

/** OpenAI's Batches API: create, retrieve, list (newest first, `after` cursor) and cancel. */
export function registerBatchRoutes(app: Hono<Env>, state: SimulatorState): void {
  app.post('/v1/batches', (c) => createBatch(c, state));

  app.get('/v1/batches', (c) => {
    const limit = listLimit(c.req.query('limit'), 20, 100);
    if (typeof limit !== 'number') return reply(c, state, limit);
    const now = state.settledNow();
    const after = c.req.query('after');
    const page = paginate(
      state.batches.list().map((job) => batchObject(job, now)),
      after,
      limit,
    );
    return reply(c, state, page ? { status: 200, body: page } : unknownCursor(after ?? ''));
  });

  app.get('/v1/batches/:id', (c) => {
    const id = noteBatch(c);
    const job = state.batches.get(id);
    return reply(c, state, job ? { status: 200, body: batchObject(job, state.settledNow()) } : batchNotFound(id));
  });

  app.post('/v1/batches/:id/cancel', (c) => {
    const id = noteBatch(c);
    const job = state.batches.get(id);
    if (!job) return reply(c, state, batchNotFound(id));
    const now = state.settledNow();
    const ended = state.batches.cancel(job, now);
    return reply(c, state, ended ? cannotCancel(ended) : { status: 200, body: batchObject(job, now) });
  });
}

/** Creates a job from a `purpose: "batch"` file; its lines are validated and answered by {@link planBatch}. */
async function createBatch(c: SimContext, state: SimulatorState): Promise<Response> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return reply(c, state, unparseableBody());
  }
  const params = batchParams(body);
  if ('error' in params) return reply(c, state, params.error);
  const now = state.settledNow();
  const input = state.files.get(params.inputFileId, now);
  if (!input) return reply(c, state, fileNotFound(params.inputFileId, 'input_file_id'));
  if (input.purpose !== 'batch') return reply(c, state, notABatchFile(input.id, input.purpose));
  const job = state.batches.add(planBatch(state, input, params, now, bearerToken(c) ?? ''));
  const recorded = c.get('batchApiRequest');
  if (recorded) Object.assign(recorded, { batchId: job.id, fileId: input.id });
  return reply(c, state, { status: 200, body: batchObject(job, now) });
}

/** The parameters of `POST /v1/batches`, or OpenAI's 400 for the first one wrong. */
function batchParams(body: unknown): (BatchParams & { inputFileId: string }) | { error: ErrorAnswer } {
  const fields =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const { input_file_id: inputFileId, endpoint, completion_window: completionWindow } = fields;
  if (typeof inputFileId !== 'string') return { error: missingParameter('input_file_id') };
  if (typeof endpoint !== 'string') return { error: missingParameter('endpoint') };
  if (!BATCH_ENDPOINTS.includes(endpoint)) return { error: invalidValue('endpoint', endpoint, BATCH_ENDPOINTS) };
  if (endpoint !== '/v1/chat/completions') return { error: unsupportedEndpoint(endpoint) };
  if (typeof completionWindow !== 'string') return { error: missingParameter('completion_window') };
  if (completionWindow !== '24h') return { error: invalidValue('completion_window', completionWindow, ['24h']) };
  const metadata = readMetadata(fields['metadata']);
  if ('error' in metadata) return metadata;
  return { inputFileId, endpoint, completionWindow, metadata: metadata.value };
}

/** Metadata as OpenAI takes it: null, or up to 16 string pairs with short keys and values. */
function readMetadata(raw: unknown): { value: Record<string, string> | null } | { error: ErrorAnswer } {
  if (raw === undefined || raw === null) return { value: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      error: errorAnswer(
        400,
        "Invalid type for 'metadata': expected an object.",
        'invalid_request_error',
        'metadata',
        'invalid_type',
      ),
    };
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > METADATA_MAX_PAIRS) return { error: tooManyMetadataPairs(entries.length, METADATA_MAX_PAIRS) };
  for (const [key, value] of entries) {
    if (key.length > METADATA_MAX_KEY) return { error: metadataTooLong('metadata', METADATA_MAX_KEY, key.length) };
    if (typeof value !== 'string') {
      return {
        error: errorAnswer(
          400,
          `Invalid type for 'metadata.${key}': expected a string.`,
          'invalid_request_error',
          `metadata.${key}`,
          'invalid_type',
        ),
      };
    }
    if (value.length > METADATA_MAX_VALUE) {
      return { error: metadataTooLong(`metadata.${key}`, METADATA_MAX_VALUE, value.length) };
    }
  }
  return { value: Object.fromEntries(entries) as Record<string, string> };
}

/** The job id of the path, noted on the request's record. */
function noteBatch(c: SimContext): string {
  const id = c.req.param('id') ?? '';
  const recorded = c.get('batchApiRequest');
  if (recorded) recorded.batchId = id;
  return id;
}

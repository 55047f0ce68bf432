import assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { Simulator, SimulatorProfilePatch } from '../../src/simulator/index.js';

/** A clock fast enough for tests: a small job ends in well under a second. */
export const FAST_CLOCK = {
  validatingMs: 60,
  perRequestMs: 5,
  finalizingMs: 60,
  cancellingMs: 60,
  windowMs: 86_400_000,
};

/** The profile every Batch API test starts from. */
export const BATCH_TEST_PROFILE: SimulatorProfilePatch = {
  batchClock: FAST_CLOCK,
  batchLimits: { maxRequestsPerFile: 50_000, maxBytesPerFile: 200 * 1024 * 1024 },
};

export const FINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

export function clientFor(sim: Simulator): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: sim.baseUrl, maxRetries: 0 });
}

/** The chat completion body of a classification request for `text`. */
export function chatBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Classify the document. Categories: technical, business, legal, marketing, other' },
      { role: 'user', content: text },
    ],
    ...extra,
  };
}

/** One input line. */
export function requestLine(customId: string, body: Record<string, unknown>): Record<string, unknown> {
  return { custom_id: customId, method: 'POST', url: '/v1/chat/completions', body };
}

/** `count` lines `doc-0`… whose texts mention their own id (so that rules can match one). */
export function documentLines(count: number, prefix = 'doc'): Record<string, unknown>[] {
  const topics = ['the server api crashed', 'quarterly revenue grew', 'the contract clause', 'our brand campaign'];
  return Array.from({ length: count }, (_, i) =>
    requestLine(`${prefix}-${i}`, chatBody(`${prefix}-${i}: ${topics[i % topics.length] ?? ''}`)),
  );
}

/** Uploads JSONL rows (objects are serialised, strings written as they are) with purpose `batch`. */
export async function uploadLines(
  client: OpenAI,
  rows: readonly (Record<string, unknown> | string)[],
  filename = 'input.jsonl',
) {
  const text = rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n');
  return client.files.create({ file: await toFile(Buffer.from(`${text}\n`), filename), purpose: 'batch' });
}

/** Uploads the rows and creates a job from them. */
export async function createJob(
  client: OpenAI,
  rows: readonly (Record<string, unknown> | string)[],
  metadata?: Record<string, string>,
): Promise<Batch> {
  const file = await uploadLines(client, rows);
  return client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
    ...(metadata ? { metadata } : {}),
  });
}

/** Polls a job until `done` holds (its final status by default); returns it and every status seen, in order. */
export async function waitForJob(
  client: OpenAI,
  id: string,
  done: (batch: Batch) => boolean = (batch) => FINAL.has(batch.status),
  timeoutMs = 20_000,
): Promise<{ batch: Batch; seen: string[] }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (seen[seen.length - 1] !== batch.status) seen.push(batch.status);
    if (done(batch)) return { batch, seen };
    assert.ok(Date.now() < deadline, `job ${id} still ${batch.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A line of an output or error file. */
export interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}

/** The lines of a file, downloaded with `files.content`. */
export async function readLines(client: OpenAI, fileId: string | null | undefined): Promise<OutputLine[]> {
  assert.ok(fileId, 'expected a file id');
  const text = await (await client.files.content(fileId)).text();
  assert.ok(text.endsWith('\n'), 'a JSONL file ends with a newline');
  return text
    .split('\n')
    .filter((row) => row !== '')
    .map((row) => JSON.parse(row) as OutputLine);
}

/** The completion of a successful line. */
export function completionOf(line: OutputLine): ChatCompletion {
  assert.equal(line.response?.status_code, 200);
  return line.response.body as ChatCompletion;
}

/** The error rejected by `call`, asserting that it does reject. */
export async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

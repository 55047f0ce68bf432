import {
  duplicateCustomId,
  emptyFile,
  invalidJsonLine,
  invalidMethod,
  missingLineField,
  modelMismatch,
  tooManyTasks,
  urlMismatch,
} from './batch-errors.js';
import type { BatchValidationError } from './batch-types.js';

/** One request of an input file. Its body is checked as a chat request only when it runs, as at OpenAI. */
export interface BatchInputLine {
  /** 1-based line number. */
  line: number;
  customId: string;
  body: Record<string, unknown>;
  model: string;
}

/** A job reports the first problems of its input file, not thousands of them. */
export const MAX_REPORTED_ERRORS = 100;

/**
 * Reads a JSONL input file as OpenAI validates it: every line a JSON object with a unique `custom_id`, `method`
 * POST, `url` equal to the job's endpoint and a `body` naming the model, every line for the same model, and at most
 * `maxRequests` lines. One error per bad line (at most {@link MAX_REPORTED_ERRORS}); a valid file has no errors.
 */
export function readBatchInput(
  content: Buffer,
  endpoint: string,
  maxRequests: number,
): { lines: BatchInputLine[]; errors: BatchValidationError[] } {
  const rows = content.toString('utf8').split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  if (rows.length === 0 || rows.every((row) => row.trim() === '')) return { lines: [], errors: [emptyFile()] };
  if (rows.length > maxRequests) return { lines: [], errors: [tooManyTasks(rows.length, maxRequests)] };

  const lines: BatchInputLine[] = [];
  const errors: BatchValidationError[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const read = readLine(row.replace(/\r$/, ''), index + 1, endpoint);
    if ('error' in read) {
      errors.push(read.error);
      return;
    }
    const first = lines[0];
    if (seen.has(read.line.customId)) errors.push(duplicateCustomId(read.line.line));
    else if (first && first.model !== read.line.model) {
      errors.push(modelMismatch(read.line.line, read.line.model, first.model));
    }
    seen.add(read.line.customId);
    lines.push(read.line);
  });
  return { lines, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
}

function readLine(
  row: string,
  line: number,
  endpoint: string,
): { line: BatchInputLine } | { error: BatchValidationError } {
  let value: unknown;
  try {
    value = JSON.parse(row);
  } catch {
    return { error: invalidJsonLine(line) };
  }
  if (!isObject(value)) return { error: invalidJsonLine(line) };
  const { custom_id: customId, method, url, body } = value;
  if (typeof customId !== 'string' || customId === '') return { error: missingLineField(line, 'custom_id') };
  if (typeof method !== 'string') return { error: missingLineField(line, 'method') };
  if (method !== 'POST') return { error: invalidMethod(line, method) };
  if (typeof url !== 'string') return { error: missingLineField(line, 'url') };
  if (url !== endpoint) return { error: urlMismatch(line, url, endpoint) };
  if (!isObject(body)) return { error: missingLineField(line, 'body') };
  if (typeof body['model'] !== 'string') return { error: missingLineField(line, 'body.model') };
  return { line: { line, customId, body, model: body['model'] } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

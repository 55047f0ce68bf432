import { integerOutOfRange } from './batch-errors.js';
import { errorAnswer, type ErrorAnswer } from './openai-errors.js';

/** One page of a cursor-paginated list, as OpenAI's list endpoints answer it. */
export interface ListPage<T extends { id: string }> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * The page of `items` (already in list order) after the item `after` (from the start when undefined), at most `limit`
 * long; undefined when `after` names no item, which OpenAI refuses.
 */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  after: string | undefined,
  limit: number,
): ListPage<T> | undefined {
  const start = after === undefined ? 0 : items.findIndex((item) => item.id === after) + 1;
  if (start === 0 && after !== undefined) return undefined;
  const data = items.slice(start, start + limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: start + limit < items.length,
  };
}

/** `limit` of a list request: `fallback` when absent, else an integer in [1, max]; or the 400 OpenAI answers. */
export function listLimit(raw: string | undefined, fallback: number, max: number): number | ErrorAnswer {
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) {
    return errorAnswer(
      400,
      `Invalid 'limit': expected an integer, but got '${raw}' instead.`,
      'invalid_request_error',
      'limit',
      'invalid_type',
    );
  }
  const limit = Number(raw);
  return limit < 1 || limit > max ? integerOutOfRange('limit', limit, 1, max) : limit;
}

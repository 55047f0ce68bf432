import { z } from '@hono/zod-openapi';

/** Metadata is stored beside every document and returned with it: a generous but bounded size. */
export const MAX_METADATA_BYTES = 64 * 1024;

/** A field path as a reader writes it: `documents[2].metadata.source`, or `the body` for the whole of it. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the body';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** What each field holds, in the words an error message uses when it is missing or of the wrong type. */
const FIELD_HINTS: Record<string, string> = {
  text: "the document's text as a string",
  id: 'a string of letters, digits, ".", "_", ":" and "-"',
  metadata: 'a JSON object of your own fields',
  taxonomy: 'the name of a configured taxonomy, as a string',
  documents: 'an array of documents, each { "text": string, "id"?: string, "metadata"?: object }',
  category: "one of the document's taxonomy categories, as a string",
  note: "the reviewer's note, as a string",
  share: 'a number from 0 to 1: the share of new documents that use the candidate',
  model: 'a model name, as a string',
  promptVersion: 'a prompt version, as a string',
  maxParseFailureRate: 'a number from 0 to 1',
  minCalls: 'a whole number of calls',
  a: 'an object { "promptVersion"?: string, "model"?: string }',
  b: 'an object { "promptVersion"?: string, "model"?: string }',
};

/**
 * The message of a request that failed validation, in the caller's terms: `text is required: the document's text
 * as a string` rather than zod's `expected string, received undefined`. `input` is what was validated, `target`
 * where it came from (`json`, `query`, `param`).
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, target?: string): string {
  const where = formatPath(issue.path);
  const leaf = issue.path.at(-1);
  const hint = typeof leaf === 'string' ? FIELD_HINTS[leaf] : undefined;
  if (issue.code === 'invalid_type') {
    const value = valueAt(input, issue.path);
    const wanted = hint ?? `a ${issue.expected}`;
    if (value === undefined) return `${where} is required: ${wanted}`;
    // A query string repeats a parameter as `?limit=1&limit=2`, which arrives as an array.
    if (target === 'query' && Array.isArray(value)) return `${where} is given ${value.length} times: send it once`;
    return `${where} must be ${wanted}, not ${describeType(value)}`;
  }
  const bound = describeBound(issue);
  if (bound) return `${where} ${bound}`;
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.path.length === 0) return issue.message;
  // Messages that already name their field (`text is empty: …`) get the full path in its place.
  if (typeof leaf === 'string' && issue.message.startsWith(`${leaf} `)) return where + issue.message.slice(leaf.length);
  return `${where}: ${issue.message}`;
}

/** zod's default wording of a violated bound (`Too big: expected number to be <=1`) as `must be at most 1`. */
function describeBound(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return undefined;
  // A message written for the schema says more than the default: keep it.
  if (!/^Too (big|small)/.test(issue.message)) return undefined;
  const big = issue.code === 'too_big';
  const limit = Number(big ? issue.maximum : issue.minimum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      return big ? `is longer than ${limit} characters: shorten it` : `needs at least ${limit} characters`;
    case 'array':
      return big ? `has more than ${limit} items` : `needs at least ${limit} items`;
    default:
      return `must be ${big ? (inclusive ? 'at most' : 'less than') : inclusive ? 'at least' : 'more than'} ${limit}`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * A strict object whose unknown fields (or query parameters) are named, with the nearest known one suggested:
 * `unknown field "txt": did you mean "text"?`. A typo is a 400, never silently ignored.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape, noun: 'field' | 'query parameter' = 'field') {
  const known = Object.keys(shape);
  const plural = noun === 'field' ? 'fields' : 'query parameters';
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const [first = ''] = issue.keys;
      const near = nearest(first, known);
      const more = issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more)` : '';
      const hint = near ? `did you mean "${near}"?` : `the ${plural} are ${known.join(', ')}`;
      return `unknown ${noun} "${first}"${more}: ${hint}`;
    },
  });
}

/** The known name closest to `name` (case-insensitive edit distance of at most a third of its length), if any. */
function nearest(name: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(name.toLowerCase(), key.toLowerCase());
    if (distance <= Math.max(1, Math.floor(key.length / 3)) && (!best || distance < best.distance)) {
      best = { key, distance };
    }
  }
  return best?.key;
}

/** Levenshtein distance, one row at a time; field names are short. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** A positive whole number in a query string, written in decimal digits only (no `0x10`, `1e2`, `+5` or `5.0`). */
export function queryInteger(options: { min: number; max: number; default: number }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return options.default;
      const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!(value >= options.min && value <= options.max)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${raw.slice(0, 40)}" is not a whole number from ${options.min} to ${options.max}: write it in decimal digits`,
        });
        return z.NEVER;
      }
      return value;
    })
    .openapi({ type: 'integer', minimum: options.min, maximum: options.max, default: options.default });
}

/** The earliest and latest dates a report can be asked about (relative dates count back at most this far). */
const MAX_RELATIVE = { h: 24 * 366 * 100, d: 366 * 100 } as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A date in a query string: an ISO date (`2026-11-01`, `2026-11-01T08:00:00Z`) or a span back from now (`24h`, `7d`,
 * up to a hundred years). Anything else is a 400 that says how to write it, never an invalid `Date`.
 */
export const queryDate = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const relative = /^(\d{1,7})([hd])$/.exec(raw);
    if (relative) {
      const amount = Number(relative[1]);
      const unit = relative[2] as 'h' | 'd';
      if (amount <= MAX_RELATIVE[unit]) return new Date(Date.now() - amount * (unit === 'h' ? 3_600_000 : 86_400_000));
    }
    const date = ISO_DATE.test(raw) ? new Date(raw) : undefined;
    if (relative || !date || Number.isNaN(date.getTime())) {
      ctx.addIssue({
        code: 'custom',
        message: `"${raw.slice(0, 40)}" is not a date: use an ISO date (2026-11-01) or a span back from now (24h, 7d, at most ${MAX_RELATIVE.d}d)`,
      });
      return z.NEVER;
    }
    return date;
  });

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ID_RULE = 'may use letters, digits, ".", "_", ":" and "-" (1–128 characters, starting with a letter or digit)';

/** A document id as a client chooses it: safe in URLs, workflow ids and log lines. */
export const documentId = z.string().regex(ID_PATTERN, `id ${ID_RULE}`);

/** The `{id}` path parameter of every route: the same rule as ids, so `%00` or `%2F` are a 400, never a query. */
export const idParam = z.object({
  id: z
    .string()
    .regex(ID_PATTERN, `id in the path ${ID_RULE}`)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/**
 * A model name or prompt version chosen by a caller: the characters model names use (`gpt-4o-mini`,
 * `openrouter/meta-llama/llama-3.1-8b`, `ft:gpt-4o-mini:org::id`, `llama3.1:8b`), at most 200 of them.
 */
export function variantName(what: 'model' | 'promptVersion') {
  return z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/,
      `${what} may use letters, digits and . _ : / @ + - (1–200 characters, starting with a letter or digit)`,
    );
}

// Characters that render as nothing: text made only of them (and spaces) is no document.
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}]/u;
// Control characters other than tab, newline and carriage return mark binary content.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** A document's text: plain UTF-8 with at least one visible character. */
export const documentText = z
  .string()
  .refine((t) => VISIBLE.test(t), {
    message: 'text is empty: send the document content (only spaces or invisible characters such as zero-width spaces)',
  })
  .refine((t) => !BINARY.test(t), { message: 'text contains binary control characters: send plain UTF-8 text' })
  .openapi({ description: 'The document content (plain UTF-8 text)' });

/** Free-form metadata: a JSON object of bounded size (its depth is bounded with the whole body). */
export const metadata = z
  .record(z.string(), z.unknown())
  .refine((m) => Buffer.byteLength(JSON.stringify(m), 'utf8') <= MAX_METADATA_BYTES, {
    message: `metadata is larger than ${MAX_METADATA_BYTES} bytes of JSON: store less beside the document`,
  })
  .optional()
  .openapi({ description: 'Free-form JSON stored beside the document' });

import { z } from '@hono/zod-openapi';
import { CANARY_FIELD_HINTS } from '../canary/schema.js';
import type { FieldHints } from '../validation/describe-issue.js';

/** Metadata is stored beside every document and returned with it: a generous but bounded size. */
export const MAX_METADATA_BYTES = 64 * 1024;

/** What each field of a request holds, in the words an error message uses when it is missing or of the wrong type. */
export const FIELD_HINTS: FieldHints = {
  ...CANARY_FIELD_HINTS,
  text: "the document's text as a string",
  id: 'a string of letters, digits, ".", "_", ":" and "-"',
  metadata: 'a JSON object of your own fields',
  taxonomy: 'the name of a configured taxonomy, as a string',
  documents: 'an array of documents, each { "text": string, "id"?: string, "metadata"?: object }',
  category: "one of the document's taxonomy categories, as a string",
  note: "the reviewer's note, as a string",
  a: 'an object { "promptVersion"?: string, "model"?: string }',
  b: 'an object { "promptVersion"?: string, "model"?: string }',
};

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

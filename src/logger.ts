import { pino, type Logger } from 'pino';

/**
 * Fields that hold a caller's data wherever they travel: the document, its metadata, the prompt and the model's
 * answer, a reviewer's note, request and response bodies.
 */
const USER_DATA_FIELDS = [
  'text',
  'metadata',
  'note',
  'prompt',
  'messages',
  'content',
  'reasoning',
  'output',
  'previousOutput',
  'raw',
  'body',
  'response',
];

/**
 * Fields in which PostgreSQL (and the `pg` driver) echo the data of a failed statement: `detail` holds
 * "Failing row contains (…)" with the whole row, `where` the JSON being parsed, `internalQuery` and `query` the
 * statement, `parameters` its values.
 */
const DATABASE_ERROR_FIELDS = ['where', 'detail', 'hint', 'internalQuery', 'query', 'parameters', 'values'];

/** Keys whose values never reach the logs: credentials, and document content wherever it travels. */
export const REDACTED_PATHS = [
  'apiKey',
  'token',
  'authorization',
  'headers.authorization',
  'document.text',
  '*.apiKey',
  '*.token',
  '*.authorization',
  ...USER_DATA_FIELDS.flatMap((field) => [field, `*.${field}`]),
  ...DATABASE_ERROR_FIELDS.flatMap((field) => [`err.${field}`, `error.${field}`, `*.err.${field}`]),
];

const CENSOR = '[redacted]';

/**
 * An error as logs may show it: the standard serialization (type, message, stack, code, cause) without the
 * fields in which a database echoes the data it was given; for PostgreSQL data exceptions (class 22, e.g.
 * `invalid input syntax for type integer: "…"`) the quoted values in the message are redacted too.
 */
export function redactError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 8) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of [...DATABASE_ERROR_FIELDS, ...USER_DATA_FIELDS]) if (field in out) out[field] = CENSOR;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('22')) {
    const scrubbed = err.message.replace(/"[^"]*"/g, `"${CENSOR}"`);
    out.message = scrubbed;
    if (typeof out.stack === 'string') out.stack = out.stack.split(err.message).join(scrubbed);
  }
  if (err.cause instanceof Error) out.cause = redactError(err.cause, depth + 1);
  return out;
}

/** Structured JSON logs on stdout (or `destination`), with secrets and document content redacted. */
export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: NodeJS.WritableStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'docket',
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      serializers: { err: redactError, error: redactError },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };

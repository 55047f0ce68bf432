import { pino, type Logger } from 'pino';

/** Keys whose values never reach the logs: credentials, and document text wherever it travels. */
export const REDACTED_PATHS = [
  'apiKey',
  'token',
  'authorization',
  'headers.authorization',
  'text',
  'document.text',
  'messages',
  '*.apiKey',
  '*.token',
  '*.authorization',
  '*.text',
  '*.messages',
];

/** Structured JSON logs on stdout (or `destination`), with secrets and document text redacted. */
export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: NodeJS.WritableStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'docket',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
export type { Logger };

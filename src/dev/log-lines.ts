import { Writable } from 'node:stream';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** pino's own fields, shown in the line's fixed part or not at all. */
const FIXED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err']);

/** `12:03:04 WARN  docket  message  key=value`: one readable line per pino JSON record. */
export function formatLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === 'string' ? record.time.slice(11, 19) : '';
  const level = (LEVEL_NAMES[Number(record.level)] ?? 'INFO').padEnd(5);
  const fields = Object.entries(record)
    .filter(([key, value]) => !FIXED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const line = [time, level, String(record.name ?? ''), String(record.msg ?? ''), ...fields].join('  ');
  const err = record.err as { message?: string; stack?: string } | undefined;
  // An error that is not an expected outcome is a bug: its stack is what a developer needs.
  return err ? `${line}\n${err.stack ?? err.message ?? JSON.stringify(err)}` : line;
}

/** A destination for pino in `npm start`: the JSON records become `formatLogLine` lines on `out`. */
export function logLines(out: NodeJS.WritableStream = process.stdout): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (l) out.write(`${formatLogLine(l)}\n`);
      done();
    },
  });
}

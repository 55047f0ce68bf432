import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'docket.pid';

/** What a running `npm start` records in its data directory, for the next one to find. */
export interface PidRecord {
  /** The `docket dev` process. */
  pid: number;
  apiUrl: string;
  /**
   * The process group of the Temporal dev server (its watchdog leads it), so a later start can stop a server that
   * outlived a Docket killed beyond what the watchdog covers.
   */
  temporalGroup?: number;
  startedAt: string;
}

/** The record of the last `npm start` in `dataDir`, or undefined when there is none (or it is unreadable). */
export function readPidFile(dataDir: string): PidRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(dataDir, PID_FILE), 'utf8')) as Partial<PidRecord>;
    return typeof record.pid === 'number' && typeof record.apiUrl === 'string' ? (record as PidRecord) : undefined;
  } catch {
    return undefined;
  }
}

export function writePidFile(dataDir: string, record: PidRecord): void {
  writeFileSync(join(dataDir, PID_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes the record, only when it is this process's (a second Docket must not erase the first one's). */
export function removePidFile(dataDir: string, pid: number = process.pid): void {
  if (readPidFile(dataDir)?.pid === pid) rmSync(join(dataDir, PID_FILE), { force: true });
}

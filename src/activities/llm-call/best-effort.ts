import type { Logger } from 'pino';

/** Runs a database write that must not fail a call already paid for; a failure is logged, not thrown. */
export async function bestEffort(log: Logger, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    log.warn({ errorName: err instanceof Error ? err.name : undefined }, `could not ${what}`);
  }
}

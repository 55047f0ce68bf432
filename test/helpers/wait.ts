/**
 * Polls `read` until `done` holds, failing with the last value (or the last error) after `timeoutMs`. A read that
 * throws counts as "not yet": a poll may meet a server that is busy or restarting.
 */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await read();
      last = { value };
      if (done(value)) return value;
    } catch (error) {
      last = { error };
    }
    if (Date.now() > deadline) {
      const detail =
        last && 'error' in last ? `last error: ${String(last.error)}` : `last value: ${JSON.stringify(last?.value)}`;
      throw new Error(`timed out after ${timeoutMs} ms; ${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Files at least this large are parsed one at a time per process: their parsed form can take many times their size. */
export const BIG_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Runs `task` at once for small files; for big ones, after every big file's task that came before it has settled,
 * so that a worker holds at most one big file's parsed form however many extractions it runs at once.
 */
export function createBigFileGate(threshold = BIG_FILE_BYTES) {
  let previous: Promise<unknown> = Promise.resolve();
  return function run<T>(size: number, task: () => Promise<T>): Promise<T> {
    if (size < threshold) return task();
    const result = previous.then(task, task);
    previous = result.catch(() => undefined);
    return result;
  };
}

import { FileTooLargeError } from './errors.js';

/** DOCKET_MAX_FILE_BYTES's default: 20 MiB, a long scanned contract or a report full of pictures. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * Refuses a file of `size` bytes over `limit` (DOCKET_MAX_FILE_BYTES) with a {@link FileTooLargeError} that says both
 * sizes, before anything is stored or parsed. The API calls it with the announced size as soon as it knows it (a
 * part's Content-Length) and again with the bytes received.
 */
export function checkFileSize(size: number, limit: number, name?: string): void {
  if (size <= limit) return;
  const what = name ? `the file ${JSON.stringify(name)}` : 'the file';
  throw new FileTooLargeError(
    size,
    limit,
    `${what} is ${formatBytes(size)}; the limit is ${formatBytes(limit)} (DOCKET_MAX_FILE_BYTES): ` +
      'split it, or submit its text',
  );
}

/** `20 MiB (20,971,520 bytes)`: the round figure a person reads, and the exact one to compare. */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const round = unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
  return unit === 0 ? round : `${round} (${bytes.toLocaleString('en-US')} bytes)`;
}

import { randomId } from './completion.js';

/** Purposes an upload may have (OpenAI's list); only `batch` files can be a job's input. */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

/** How long a `purpose: "batch"` file (and a job's output) is kept, as at OpenAI: 30 days. */
export const BATCH_FILE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A stored file and its bytes. */
export interface StoredFile {
  id: string;
  /** Creation order, to list files created in the same second in order. */
  seq: number;
  purpose: string;
  filename: string;
  content: Buffer;
  /** ms since the epoch. */
  createdAt: number;
  expiresAt?: number;
  /** The file is not found before this instant (an output file that is slow to appear). */
  availableAt: number;
}

/** A file as OpenAI's Files API returns it. */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
}

/** The files uploaded and written by jobs. */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private seq = 0;

  /** Stores a file under a new `file-…` id. */
  add(file: Omit<StoredFile, 'id' | 'seq'>): StoredFile {
    this.seq += 1;
    const stored: StoredFile = { ...file, id: `file-${randomId(22)}`, seq: this.seq };
    this.files.set(stored.id, stored);
    return stored;
  }

  /** The file, if it exists and is available at `now`. */
  get(id: string, now: number): StoredFile | undefined {
    const file = this.files.get(id);
    return file && file.availableAt <= now ? file : undefined;
  }

  /** Files available at `now`, newest first (or oldest first), optionally of one purpose. */
  list(now: number, options: { purpose?: string | undefined; order: 'asc' | 'desc' }): StoredFile[] {
    const files = [...this.files.values()].filter(
      (f) => f.availableAt <= now && (options.purpose === undefined || f.purpose === options.purpose),
    );
    files.sort((a, b) => (options.order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
    return files;
  }

  /** Deletes the file; false when there is none available to delete. */
  delete(id: string, now: number): boolean {
    return this.get(id, now) !== undefined && this.files.delete(id);
  }

  clear(): void {
    this.files.clear();
    this.seq = 0;
  }
}

/** The file object of a stored file (timestamps in seconds). */
export function fileObject(file: StoredFile): FileObject {
  return {
    id: file.id,
    object: 'file',
    bytes: file.content.length,
    created_at: Math.floor(file.createdAt / 1000),
    expires_at: file.expiresAt === undefined ? null : Math.floor(file.expiresAt / 1000),
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    status_details: null,
  };
}

import type { Config } from '../config.js';
import type { DocketMode } from '../shared/batch-api.js';
import { FileTooLargeError, UnsupportedTypeError } from '../extraction/errors.js';
import type { Taxonomy } from '../shared/taxonomy.js';
import { ConflictError, InvalidInputError, TooLargeError, UnsupportedFileTypeError } from './errors.js';
import type { ServiceDeps } from './deps.js';
import { prepareDocumentFile, storeDocumentFile, type PreparedDocumentFile } from './store-document-file.js';
import { documentInput, resolveTaxonomy, startHoldMs, startStoredDocument, type Submitted } from './submit.js';
import { documentStart } from './workflow-start.js';

/** A file as a caller submits it: its bytes and name, and the same optional fields as a text document. */
export interface SubmitFile {
  bytes: Uint8Array;
  /** The name the sender gave it: only text formats without a signature (`.txt`, `.md`, `.html`, `.eml`) need it. */
  fileName?: string;
  id?: string;
  metadata?: Record<string, unknown>;
  taxonomy?: string;
  /** How the model is called. @default DOCKET_DEFAULT_MODE */
  mode?: DocketMode;
}

/**
 * Stores a file as a document and starts its classification with `fromFile: true` (the workflow extracts its text
 * first). The type comes from the content; the same file again under the same id is the same document (no new
 * workflow, no LLM call); another file, or text, under that id is a conflict. The document and its owed start are
 * committed together, then started through the same outbox path as a text submission.
 */
export async function submitFile(deps: ServiceDeps, file: SubmitFile): Promise<Submitted> {
  const taxonomy = resolveTaxonomy(deps.config, file.taxonomy);
  const prepared = await prepareFile(deps.config, file, taxonomy);
  const start = documentStart(await documentInput(deps, prepared.id, taxonomy, { fromFile: true, mode: file.mode }));
  const stored = await storeDocumentFile(deps.pool, prepared, {
    ...(file.metadata ? { metadata: file.metadata } : {}),
    start: { start, holdMs: startHoldMs(deps) },
  });
  if (stored.outcome === 'conflict') throw new ConflictError(stored.message);
  return startStoredDocument(deps, prepared.id, start, stored.outcome === 'created');
}

/**
 * Checks a file before anything is stored (empty, over DOCKET_MAX_FILE_BYTES, of a type Docket does not read) and
 * settles its id; extraction's errors become the domain errors the API answers with 400, 413 and 415.
 */
export async function prepareFile(
  config: Config,
  file: Pick<SubmitFile, 'bytes' | 'fileName' | 'id'>,
  taxonomy: Taxonomy,
): Promise<PreparedDocumentFile> {
  const named = file.fileName ? `the file ${JSON.stringify(file.fileName)}` : 'the file';
  if (file.bytes.length === 0) throw new InvalidInputError(`${named} is empty: send the document's bytes`);
  try {
    return await prepareDocumentFile(
      {
        bytes: file.bytes,
        taxonomy: taxonomy.name,
        ...(file.fileName ? { fileName: file.fileName } : {}),
        ...(file.id ? { id: file.id } : {}),
      },
      config.api.maxFileBytes,
    );
  } catch (err) {
    if (err instanceof FileTooLargeError) throw new TooLargeError(err.message);
    if (err instanceof UnsupportedTypeError) {
      throw new UnsupportedFileTypeError(file.fileName ? `${file.fileName}: ${err.message}` : err.message);
    }
    throw err;
  }
}

import { readFile } from 'node:fs/promises';
import {
  DocketApiError,
  type BatchDocumentInput,
  type DocketClient,
  type DocumentStatus,
  type SubmissionMode,
} from '../client/docket-client.js';
import type { InputDocument, InputFile } from './inputs.js';

/** A document the API accepted. */
export interface SubmittedDocument {
  source: string;
  id: string;
  /** Known for documents submitted alone; batches answer with ids only. */
  status?: DocumentStatus;
  batchId?: string;
}

/** A document the API refused (400, 409, 413, 415), with the API's reason. */
export interface RejectedDocument {
  source: string;
  id?: string;
  status: number;
  code: string;
  message: string;
}

export interface SubmitOutcome {
  submitted: SubmittedDocument[];
  rejected: RejectedDocument[];
  batchIds: string[];
}

export interface SubmitOptions {
  taxonomy?: string;
  /** `batch_api`: through the OpenAI Batch API (`--batch-api`); unset: the server's DOCKET_DEFAULT_MODE. */
  mode?: SubmissionMode;
  /** Documents per `POST /v1/batches` request. */
  batchSize: number;
  /** Bytes (of text, or of files) per batch request, so that no request body grows unbounded. */
  batchBytes: number;
  onProgress?: (done: number, total: number) => void;
}

/** Answers that concern the request's documents: a batch refused for one of them is retried document by document. */
const DOCUMENT_ERRORS = new Set([400, 409, 413, 415]);
const SINGLE_CONCURRENCY = 8;

/** How one kind of document (text or file) goes to the API: alone, as a batch, and how batches are cut. */
interface Sender<D extends { source: string; id?: string }> {
  one(doc: D): Promise<{ id: string; status: DocumentStatus }>;
  /** Unset: documents of this kind go one by one (files with ids of their own: a batch of files carries none). */
  many?(docs: D[]): Promise<{ batchId: string; ids: string[] }>;
  size(doc: D): number;
}

/**
 * Submits documents: one alone through `POST /v1/documents`, more in chunks through `POST /v1/batches`. The API
 * refuses a whole batch for one bad document (nothing is half-stored), so a refused chunk is resubmitted document
 * by document to accept the good ones and name the bad. Errors that are not about documents (401, 403, 5xx, an
 * unreachable API) stop the submission.
 */
export function submitDocuments(
  client: DocketClient,
  documents: readonly InputDocument[],
  options: SubmitOptions,
): Promise<SubmitOutcome> {
  const taxonomy = submissionFields(options);
  return submitWith(documents, options, {
    one: (doc) => client.submit({ ...toBatchDocument(doc), ...taxonomy }),
    many: (docs) => client.submitBatch(docs.map(toBatchDocument), taxonomy),
    size: (doc) => Buffer.byteLength(doc.text, 'utf8'),
  });
}

/** The fields every submission of a run carries: its taxonomy and mode, when given. */
function submissionFields(options: SubmitOptions): { taxonomy?: string; mode?: SubmissionMode } {
  return {
    ...(options.taxonomy !== undefined ? { taxonomy: options.taxonomy } : {}),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
  };
}

/**
 * Submits files as {@link submitDocuments} submits texts, through the multipart forms of the same routes. Each file's
 * bytes are read when its request is made. Files with ids of their own go one by one: a batch of files derives each
 * id from the file.
 */
export function submitFiles(
  client: DocketClient,
  files: readonly InputFile[],
  options: SubmitOptions,
): Promise<SubmitOutcome> {
  const taxonomy = submissionFields(options);
  const read = async (file: InputFile) => ({ bytes: await readFile(file.path), fileName: file.fileName });
  const withIds = files.some((f) => f.id !== undefined);
  return submitWith(files, options, {
    one: async (file) => client.submitFile({ ...(await read(file)), ...(file.id ? { id: file.id } : {}), ...taxonomy }),
    ...(withIds ? {} : { many: async (chunk) => client.submitFileBatch(await Promise.all(chunk.map(read)), taxonomy) }),
    size: (file) => file.size,
  });
}

async function submitWith<D extends { source: string; id?: string }>(
  documents: readonly D[],
  options: SubmitOptions,
  sender: Sender<D>,
): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = { submitted: [], rejected: [], batchIds: [] };
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, documents.length);
  };
  const only = documents.length === 1 ? documents[0] : undefined;
  if (only || !sender.many) {
    await submitEach(documents, sender, outcome, undefined, progress);
    return outcome;
  }
  for (const chunk of chunks(documents, options.batchSize, options.batchBytes, sender.size)) {
    try {
      const accepted = await sender.many(chunk);
      outcome.batchIds.push(accepted.batchId);
      chunk.forEach((doc, i) => {
        const id = accepted.ids[i] ?? doc.id;
        if (id) outcome.submitted.push({ source: doc.source, id, batchId: accepted.batchId });
      });
      progress(chunk.length);
    } catch (err) {
      if (!(err instanceof DocketApiError && DOCUMENT_ERRORS.has(err.status))) throw withProgress(err, outcome);
      await submitEach(chunk, sender, outcome, err, progress);
    }
  }
  return outcome;
}

/**
 * Submits documents one by one, recording each as submitted or rejected. After a refused batch (`batchError`), when
 * its error comes back for the first two documents on their own it concerns every document (an unknown taxonomy,
 * say): stop instead of sending the rest one by one only to hear it again. Without a batch before it, a single
 * document's refusal is an error of the whole submission.
 */
async function submitEach<D extends { source: string; id?: string }>(
  docs: readonly D[],
  sender: Sender<D>,
  outcome: SubmitOutcome,
  batchError: DocketApiError | undefined,
  progress: (n: number) => void,
): Promise<void> {
  const record = batchError !== undefined || docs.length > 1;
  const probe = docs.slice(0, batchError ? 2 : 1);
  const probeErrors: (DocketApiError | undefined)[] = [];
  for (const doc of probe) {
    probeErrors.push(await submitOne(doc, sender, outcome, record));
    progress(1);
  }
  if (
    batchError &&
    probe.length === 2 &&
    probeErrors.every((e) => e?.code === batchError.code && e.message === batchError.message)
  ) {
    throw withProgress(batchError, outcome);
  }
  let next = probe.length;
  const worker = async () => {
    while (next < docs.length) {
      const doc = docs[next++];
      if (doc) await submitOne(doc, sender, outcome, true);
      progress(1);
    }
  };
  await Promise.all(Array.from({ length: SINGLE_CONCURRENCY }, worker));
}

/** Submits one document, recording it as submitted or rejected; returns the rejection. */
async function submitOne<D extends { source: string; id?: string }>(
  doc: D,
  sender: Sender<D>,
  outcome: SubmitOutcome,
  recordRejection: boolean,
): Promise<DocketApiError | undefined> {
  try {
    const accepted = await sender.one(doc);
    outcome.submitted.push({ source: doc.source, id: accepted.id, status: accepted.status });
    return undefined;
  } catch (err) {
    if (!(err instanceof DocketApiError && DOCUMENT_ERRORS.has(err.status)) || !recordRejection) {
      throw withProgress(err, outcome);
    }
    outcome.rejected.push({
      source: doc.source,
      ...(doc.id !== undefined ? { id: doc.id } : {}),
      status: err.status,
      code: err.code,
      message: err.message,
    });
    return err;
  }
}

function toBatchDocument(doc: InputDocument): BatchDocumentInput {
  return {
    text: doc.text,
    ...(doc.id !== undefined ? { id: doc.id } : {}),
    ...(doc.metadata !== undefined ? { metadata: doc.metadata } : {}),
  };
}

/** Splits documents into chunks of at most `size` documents and about `maxBytes` (never empty). */
function* chunks<D>(
  documents: readonly D[],
  size: number,
  maxBytes: number,
  bytesOf: (doc: D) => number,
): Generator<D[]> {
  let chunk: D[] = [];
  let bytes = 0;
  for (const doc of documents) {
    const docBytes = bytesOf(doc);
    if (chunk.length > 0 && (chunk.length >= size || bytes + docBytes > maxBytes)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(doc);
    bytes += docBytes;
  }
  if (chunk.length > 0) yield chunk;
}

/** Notes on an aborting error how many documents were accepted before it, so the user knows what to resubmit. */
function withProgress(err: unknown, outcome: SubmitOutcome): unknown {
  if (err instanceof DocketApiError && outcome.submitted.length > 0) {
    err.message += ` (${outcome.submitted.length} documents were accepted before this error; resubmitting them is safe)`;
  }
  return err;
}

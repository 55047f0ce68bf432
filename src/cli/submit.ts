import {
  DocketApiError,
  type BatchDocumentInput,
  type DocketClient,
  type DocumentStatus,
} from '../client/docket-client.js';
import type { InputDocument } from './inputs.js';

/** A document the API accepted. */
export interface SubmittedDocument {
  source: string;
  id: string;
  /** Known for documents submitted alone; batches answer with ids only. */
  status?: DocumentStatus;
  batchId?: string;
}

/** A document the API refused (400, 409, 413), with the API's reason. */
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
  /** Documents per `POST /v1/batches` request. */
  batchSize: number;
  /** Text bytes per batch request, so that no request body grows unbounded. */
  batchBytes: number;
  onProgress?: (done: number, total: number) => void;
}

/** Answers that concern the request's documents: a batch refused for one of them is retried document by document. */
const DOCUMENT_ERRORS = new Set([400, 409, 413]);
const SINGLE_CONCURRENCY = 8;

/**
 * Submits documents: one alone through `POST /v1/documents`, more in chunks through `POST /v1/batches`. The API
 * refuses a whole batch for one bad document (nothing is half-stored), so a refused chunk is resubmitted document
 * by document to accept the good ones and name the bad. Errors that are not about documents (401, 403, 5xx, an
 * unreachable API) stop the submission.
 */
export async function submitDocuments(
  client: DocketClient,
  documents: readonly InputDocument[],
  options: SubmitOptions,
): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = { submitted: [], rejected: [], batchIds: [] };
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, documents.length);
  };
  const only = documents.length === 1 ? documents[0] : undefined;
  if (only) {
    await submitOne(client, only, options.taxonomy, outcome, false);
    progress(1);
    return outcome;
  }
  for (const chunk of chunks(documents, options.batchSize, options.batchBytes)) {
    try {
      const accepted = await client.submitBatch(chunk.map(toBatchDocument), { taxonomy: options.taxonomy });
      outcome.batchIds.push(accepted.batchId);
      chunk.forEach((doc, i) => {
        const id = accepted.ids[i] ?? doc.id;
        if (id) outcome.submitted.push({ source: doc.source, id, batchId: accepted.batchId });
      });
    } catch (err) {
      if (!(err instanceof DocketApiError && DOCUMENT_ERRORS.has(err.status))) throw withProgress(err, outcome);
      await submitEach(client, chunk, options.taxonomy, outcome, err);
    }
    progress(chunk.length);
  }
  return outcome;
}

async function submitEach(
  client: DocketClient,
  chunk: readonly InputDocument[],
  taxonomy: string | undefined,
  outcome: SubmitOutcome,
  batchError: DocketApiError,
): Promise<void> {
  // When the batch's error comes back for the first two documents on their own, it concerns every document
  // (an unknown taxonomy, say): stop instead of sending the rest one by one only to hear it again.
  const probe = chunk.slice(0, 2);
  const probeErrors: (DocketApiError | undefined)[] = [];
  for (const doc of probe) probeErrors.push(await submitOne(client, doc, taxonomy, outcome, true));
  if (probe.length === 2 && probeErrors.every((e) => e?.code === batchError.code && e.message === batchError.message)) {
    throw withProgress(batchError, outcome);
  }
  let next = probe.length;
  const worker = async () => {
    while (next < chunk.length) {
      const doc = chunk[next++];
      if (doc) await submitOne(client, doc, taxonomy, outcome, true);
    }
  };
  await Promise.all(Array.from({ length: SINGLE_CONCURRENCY }, worker));
}

/** Submits one document, recording it as submitted or rejected; returns the rejection. */
async function submitOne(
  client: DocketClient,
  doc: InputDocument,
  taxonomy: string | undefined,
  outcome: SubmitOutcome,
  recordRejection: boolean,
): Promise<DocketApiError | undefined> {
  try {
    const accepted = await client.submit({ ...toBatchDocument(doc), ...(taxonomy !== undefined ? { taxonomy } : {}) });
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

/** Splits documents into chunks of at most `size` documents and about `maxBytes` of text (never empty). */
function* chunks(documents: readonly InputDocument[], size: number, maxBytes: number): Generator<InputDocument[]> {
  let chunk: InputDocument[] = [];
  let bytes = 0;
  for (const doc of documents) {
    const docBytes = Buffer.byteLength(doc.text, 'utf8');
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

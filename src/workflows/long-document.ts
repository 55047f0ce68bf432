import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { ClassificationOutput } from '../shared/classification.js';
import { LONG_DOCUMENT_STRATEGY, voteOnChunks, type LongDocumentStrategy } from '../shared/long-documents.js';
import type { DocumentResult } from '../shared/result.js';
import type { ClassifyDocumentInput } from '../shared/workflow-types.js';

/** Versions the long-document strategies: workflows started before it send such a document to review. */
export const LONG_DOCUMENTS_PATCH = 'long-documents-v1';

/** A long document being classified chunk by chunk (DOCKET_LONG_DOCUMENTS). */
export interface LongDocumentRun {
  strategy: LongDocumentStrategy;
  /** Chunks the text cuts into, as the pre-flight check counted them. */
  documentChunks: number;
  /** Chunks classified: 1 for `first-pages`, at most `maxChunks` for `chunk-vote`. */
  count: number;
  /** The chunk the next call classifies. */
  index: number;
  /** Each classified chunk's answer; `undefined` for one without a valid answer. */
  answers: (ClassificationOutput | undefined)[];
}

/**
 * The chunks a pre-flight `DocketContextLengthExceeded` counted (its details), or `undefined` when there is no such
 * count: the provider itself refused the prompt, so Docket's count cannot be trusted to cut it.
 */
export function preflightChunks(err: unknown): number | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const details = cause.details?.[0] as { preflight?: boolean; chunks?: unknown } | undefined;
  return details?.preflight === true && typeof details.chunks === 'number' && details.chunks >= 1
    ? details.chunks
    : undefined;
}

/** Starts the strategy of `settings` on a document whose text cuts into `documentChunks` chunks. */
export function startLongDocument(
  settings: NonNullable<ClassifyDocumentInput['longDocuments']>,
  documentChunks: number,
): LongDocumentRun {
  const count =
    settings.strategy === LONG_DOCUMENT_STRATEGY.chunkVote ? Math.min(documentChunks, settings.maxChunks) : 1;
  return { strategy: settings.strategy, documentChunks, count, index: 0, answers: [] };
}

/** The `chunk` of the next call's input. */
export function nextChunk(run: LongDocumentRun): { index: number; count: number } {
  return { index: run.index, count: run.count };
}

/**
 * Records the current chunk's answer (`undefined`: none valid) under `chunk-vote`: `next` while chunks remain, else
 * the vote of all of them (`undefined` when none answered).
 */
export function chunkAnswered(
  run: LongDocumentRun,
  answer: ClassificationOutput | undefined,
): { next: true } | { next: false; vote: ClassificationOutput | undefined } {
  run.answers[run.index] = answer;
  if (run.index + 1 < run.count) {
    run.index++;
    return { next: true };
  }
  return { next: false, vote: voteOnChunks(run.answers) };
}

/** What the stored result records of the run. */
export function longDocumentTag(run: LongDocumentRun): NonNullable<DocumentResult['longDocument']> {
  const classified = run.strategy === LONG_DOCUMENT_STRATEGY.chunkVote ? run.answers.length : 1;
  return {
    strategy: run.strategy,
    chunks: Math.max(1, classified),
    documentChunks: run.documentChunks,
    ...(run.strategy === LONG_DOCUMENT_STRATEGY.chunkVote
      ? { votes: run.answers.map((answer) => answer?.category ?? '') }
      : {}),
  };
}

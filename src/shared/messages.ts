import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReviewDecision } from './classification.js';
import { MESSAGES } from './names.js';
import type { DocumentResult } from './result.js';
import type { BatchProgress, DocumentProgress, DocumentSettled } from './workflow-types.js';

/** Validated review decision; returns the final result once it is stored. */
export const submitReviewUpdate = defineUpdate<DocumentResult, [ReviewDecision]>(MESSAGES.submitReview);
/** The same decision for tools that can only signal; an invalid one is logged and ignored. */
export const reviewSignal = defineSignal<[ReviewDecision]>(MESSAGES.reviewSignal);
/** An operator clears a pause. */
export const resumeSignal = defineSignal<[]>(MESSAGES.resumeSignal);
export const statusQuery = defineQuery<DocumentProgress>(MESSAGES.statusQuery);

/** A batch child reports its first resting status to the batch. */
export const documentSettledSignal = defineSignal<[DocumentSettled]>(MESSAGES.documentSettledSignal);
export const batchProgressQuery = defineQuery<BatchProgress>(MESSAGES.progressQuery);

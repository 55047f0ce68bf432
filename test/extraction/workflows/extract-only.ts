/**
 * A workflow that only extracts, for test/extraction/extract-worker.test.ts: the extraction activity through a real
 * worker, with the activity options the document workflow is to use (EXTRACTION_ACTIVITY_OPTIONS).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../../src/activities/index.js';
import type { ExtractDocumentTextInput, ExtractDocumentTextResult } from '../../../src/activities/extract-document.js';
import { EXTRACTION_ACTIVITY_OPTIONS } from '../../../src/shared/extraction.js';

const { extractDocumentText } = proxyActivities<Activities>(EXTRACTION_ACTIVITY_OPTIONS);

export async function extractOnlyWorkflow(input: ExtractDocumentTextInput): Promise<ExtractDocumentTextResult> {
  return extractDocumentText(input);
}

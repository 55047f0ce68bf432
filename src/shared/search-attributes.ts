import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './names.js';

/** Typed keys of the search attributes of DESIGN.md §3. */
export const SA = {
  status: defineSearchAttributeKey(SEARCH_ATTRIBUTES.status, SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey(SEARCH_ATTRIBUTES.category, SearchAttributeType.KEYWORD),
  confidence: defineSearchAttributeKey(SEARCH_ATTRIBUTES.confidence, SearchAttributeType.DOUBLE),
  reviewReason: defineSearchAttributeKey(SEARCH_ATTRIBUTES.reviewReason, SearchAttributeType.KEYWORD),
  batchId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.batchId, SearchAttributeType.KEYWORD),
  model: defineSearchAttributeKey(SEARCH_ATTRIBUTES.model, SearchAttributeType.KEYWORD),
  promptVersion: defineSearchAttributeKey(SEARCH_ATTRIBUTES.promptVersion, SearchAttributeType.KEYWORD),
} as const;

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes of DESIGN.md §3, the one table of them: each entry is the typed key workflows and clients use
 * (`upsertSearchAttributes`, `typedSearchAttributes.get`), and carries the wire name and the Temporal type that
 * `npm start`, test servers and `docker-compose.yml` register. Wire names never change once shipped.
 */
export const SA = {
  /** The document's status (DESIGN.md §5): `DocketStatus='pending_review'` is the review queue. */
  status: defineSearchAttributeKey('DocketStatus', SearchAttributeType.KEYWORD),
  /** The stored category, or the model's suggestion while a review is pending. */
  category: defineSearchAttributeKey('DocketCategory', SearchAttributeType.KEYWORD),
  /** The confidence of that category. */
  confidence: defineSearchAttributeKey('DocketConfidence', SearchAttributeType.DOUBLE),
  /** Why the document waits for a person, while it does. */
  reviewReason: defineSearchAttributeKey('DocketReviewReason', SearchAttributeType.KEYWORD),
  /** The batch the document belongs to; set on the batch's own workflow too. */
  batchId: defineSearchAttributeKey('DocketBatchId', SearchAttributeType.KEYWORD),
  /** The model that answers (the routed one, or the one a cascade escalated to). */
  model: defineSearchAttributeKey('DocketModel', SearchAttributeType.KEYWORD),
  promptVersion: defineSearchAttributeKey('DocketPromptVersion', SearchAttributeType.KEYWORD),
  /** How the document's model calls are made: `realtime` or `batch_api` (set on a batch's own workflow too). */
  mode: defineSearchAttributeKey('DocketMode', SearchAttributeType.KEYWORD),
} as const;

export type SearchAttributeField = keyof typeof SA;

/** Each search attribute's wire name, for visibility queries (`${SEARCH_ATTRIBUTES.status} = 'paused'`). */
export const SEARCH_ATTRIBUTES = Object.fromEntries(Object.entries(SA).map(([field, key]) => [field, key.name])) as {
  readonly [F in SearchAttributeField]: string;
};

/** How the `temporal` CLI spells each type (`--search-attribute DocketStatus=Keyword`). */
const CLI_TYPE_NAMES = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
} as const satisfies Record<SearchAttributeType, string>;

type CliTypeName = (typeof CLI_TYPE_NAMES)[(typeof SA)[SearchAttributeField]['type']];

/** Search attribute name → Temporal type as the `temporal` CLI names it: what `npm start` and test servers register. */
export const SEARCH_ATTRIBUTE_TYPES: Readonly<Record<string, CliTypeName>> = Object.fromEntries(
  Object.values(SA).map((key) => [key.name, CLI_TYPE_NAMES[key.type]]),
);

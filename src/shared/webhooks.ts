import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { z } from 'zod';
import { DOCUMENT_STATUSES, PAUSE_REASON, REVIEW_REASON } from './status.js';

// Signed webhooks (DOCKET_WEBHOOK_URL): what Docket tells a receiver, in the Standard Webhooks envelope
// (https://www.standardwebhooks.com): `{ type, timestamp, data }`, thin payloads that carry ids and reasons, never
// document text. src/notifications/ signs and delivers them.

/**
 * The events a receiver is told about. Standard Webhooks names types as full-stop delimited identifiers, grouped
 * hierarchically; like every wire name they never change once shipped.
 */
export const WEBHOOK_EVENT = {
  /** A document waits for a person (any review reason, `audit` included). */
  reviewNeeded: 'review.needed',
  /** A review passed its deadline under DOCKET_REVIEW_TIMEOUT_POLICY=escalate and still waits. */
  reviewEscalated: 'review.escalated',
  /** A waiting document was assigned to a reviewer or a group. */
  reviewAssigned: 'review.assigned',
  /** Every document of a batch reached a resting status. */
  batchCompleted: 'batch.completed',
  /** A document waits for an operator (credentials, quota, budget, a bad request, retries exhausted). */
  operatorPaused: 'operator.paused',
  /** A canary was rolled back, by its rule or by hand. */
  canaryRolledBack: 'canary.rolled_back',
} as const;
export type WebhookEvent = (typeof WEBHOOK_EVENT)[keyof typeof WEBHOOK_EVENT];
export const WEBHOOK_EVENTS = Object.values(WEBHOOK_EVENT) as [WebhookEvent, ...WebhookEvent[]];

const REVIEW_REASONS = Object.values(REVIEW_REASON) as [string, ...string[]];
const PAUSE_REASONS = Object.values(PAUSE_REASON) as [string, ...string[]];
const instant = z.iso.datetime({ offset: true }).describe('ISO 8601.');
const id = z.string().min(1);

/** `data` of each event type. */
const DATA_SCHEMAS = {
  [WEBHOOK_EVENT.reviewNeeded]: z.strictObject({
    documentId: id,
    reason: z.enum(REVIEW_REASONS),
    taxonomy: z.string(),
    batchId: id.optional(),
    pendingSince: instant,
  }),
  [WEBHOOK_EVENT.reviewEscalated]: z.strictObject({
    documentId: id,
    reason: z.enum(REVIEW_REASONS),
    pendingSince: instant,
    batchId: id.optional(),
  }),
  [WEBHOOK_EVENT.reviewAssigned]: z.strictObject({
    documentId: id,
    /** A reviewer's token name, or a group's name. */
    assignee: z.string().min(1),
    assignedBy: z.string().min(1),
  }),
  [WEBHOOK_EVENT.batchCompleted]: z.strictObject({
    batchId: id,
    total: z.int().min(0),
    /** Documents by the first resting status they reached. */
    settled: z.partialRecord(z.enum(DOCUMENT_STATUSES), z.int().min(0)),
  }),
  [WEBHOOK_EVENT.operatorPaused]: z.strictObject({
    documentId: id,
    pauseReason: z.enum(PAUSE_REASONS),
    errorType: z.string().optional(),
    batchId: id.optional(),
  }),
  [WEBHOOK_EVENT.canaryRolledBack]: z.strictObject({
    canaryId: z.int(),
    reason: z.string(),
    candidate: z.strictObject({ promptVersion: z.string(), model: z.string() }),
  }),
} satisfies Record<WebhookEvent, z.ZodType>;

const envelope = <E extends WebhookEvent>(type: E) =>
  z.strictObject({
    type: z.literal(type),
    /** When the event happened (a retried delivery keeps it; `webhook-timestamp` is the attempt's). */
    timestamp: instant,
    data: DATA_SCHEMAS[type],
  });

/** The body of every webhook: the Standard Webhooks envelope, one `data` shape per `type`. */
export const webhookPayloadSchema = z.discriminatedUnion('type', [
  envelope(WEBHOOK_EVENT.reviewNeeded),
  envelope(WEBHOOK_EVENT.reviewEscalated),
  envelope(WEBHOOK_EVENT.reviewAssigned),
  envelope(WEBHOOK_EVENT.batchCompleted),
  envelope(WEBHOOK_EVENT.operatorPaused),
  envelope(WEBHOOK_EVENT.canaryRolledBack),
]);
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/**
 * A webhook id: Standard Webhooks signs `{id}.{timestamp}.{body}`, so an id must not hold a full stop. Workflows make
 * one with `msg_${uuid4()}` (`uuid4` of `@temporalio/workflow` is the same on replay).
 */
export const webhookIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 letters, digits, "_" or "-"');

/** Input of the `deliverWebhook` activity. */
export interface DeliverWebhookInput {
  /** `webhook-id`: unique per event, the same on every attempt, so that the receiver can drop a repeat. */
  id: string;
  payload: WebhookPayload;
}

/** What `deliverWebhook` did. */
export interface DeliverWebhookResult {
  /** `skipped`: DOCKET_WEBHOOK_URL is not set, nothing was sent. */
  outcome: 'delivered' | 'skipped';
  /** The receiver's 2xx status, when delivered. */
  status?: number;
  /** The activity attempt that delivered it (1 = the first). */
  attempt: number;
}

/** Failure types of `deliverWebhook` (explicit strings, as for every ApplicationFailure that crosses the wire). */
export const WEBHOOK_ERROR_TYPES = {
  /** A 5xx, 408 or 429, a timeout or a connection error: the receiver may take it later; retried. */
  unavailable: 'DocketWebhookUnavailable',
  /** Any other answer (3xx, 4xx): the receiver or its URL must change first; never retried. */
  rejected: 'DocketWebhookRejected',
  /** The input is not a valid webhook (a bug in the caller): never retried. */
  invalid: 'DocketWebhookInvalid',
} as const;

/**
 * How Temporal retries a delivery: 5 s, 15 s, 45 s, … ×3 up to every 4 hours, for as long as
 * {@link WEBHOOK_ACTIVITY_OPTIONS} allows (3 days, the span Standard Webhooks recommends); an answer that retrying
 * cannot change is not retried. A `Retry-After` from the receiver replaces the next delay.
 */
export const WEBHOOK_RETRY_POLICY: RetryPolicy = {
  initialInterval: '5s',
  backoffCoefficient: 3,
  maximumInterval: '4h',
  nonRetryableErrorTypes: [WEBHOOK_ERROR_TYPES.rejected, WEBHOOK_ERROR_TYPES.invalid],
};

/**
 * Options for `proxyActivities` of `deliverWebhook`: one attempt's request times out well within a minute (the
 * receiver gets 15 s), and retries stop after 3 days.
 */
export const WEBHOOK_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '3d',
  retry: WEBHOOK_RETRY_POLICY,
};

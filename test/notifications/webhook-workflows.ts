// Workflow code for test/notifications/webhooks.test.ts: delivers one webhook the way Docket's workflows will, with
// the shipped activity options (a test shortens the retry intervals only).
import type { RetryPolicy } from '@temporalio/common';
import { proxyActivities, uuid4 } from '@temporalio/workflow';
import type { NotificationActivities } from '../../src/notifications/index.js';
import {
  WEBHOOK_ACTIVITY_OPTIONS,
  WEBHOOK_RETRY_POLICY,
  type DeliverWebhookResult,
  type WebhookPayload,
} from '../../src/shared/webhooks.js';

export interface DeliverTestInput {
  payload: WebhookPayload;
  /** Overrides of the retry intervals, so that a test does not wait 5 s, 15 s, 45 s… */
  retry?: Pick<RetryPolicy, 'initialInterval' | 'backoffCoefficient' | 'maximumAttempts'>;
}

/** Delivers `payload` once, under a `webhook-id` made as workflows make one (deterministic on replay). */
export async function deliverWebhookWorkflow(input: DeliverTestInput): Promise<DeliverWebhookResult & { id: string }> {
  const { deliverWebhook } = proxyActivities<NotificationActivities>({
    ...WEBHOOK_ACTIVITY_OPTIONS,
    retry: { ...WEBHOOK_RETRY_POLICY, ...input.retry },
  });
  const id = `msg_${uuid4()}`;
  return { ...(await deliverWebhook({ id, payload: input.payload })), id };
}

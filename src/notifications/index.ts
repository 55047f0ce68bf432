import { createDeliverWebhook, type WebhookDeliveryDeps } from './deliver.js';

export { createDeliverWebhook, retryAfterMs, verdictOf, WEBHOOK_REQUEST_TIMEOUT_MS } from './deliver.js';
export type { WebhookDeliveryDeps } from './deliver.js';
export { signWebhook, WEBHOOK_HEADERS } from './signature.js';
export { parseWebhookSecrets, WEBHOOK_SECRET_PREFIX, WebhookSecretError } from './secret.js';

/**
 * The notification activities, for the `docket` task queue: spread them into `createActivities` (src/activities/) so
 * that workflows reach `deliverWebhook` through `proxyActivities<...>(WEBHOOK_ACTIVITY_OPTIONS)`.
 */
export function createNotificationActivities(deps: WebhookDeliveryDeps) {
  return { deliverWebhook: createDeliverWebhook(deps) };
}
export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

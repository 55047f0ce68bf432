import { createHmac } from 'node:crypto';

/** The headers of the Standard Webhooks signature scheme. */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/**
 * The `webhook-signature` value of a delivery: HMAC-SHA256 over `{id}.{timestamp}.{body}` with each key, written
 * `v1,<base64>` and separated by spaces (one per key while a secret is rotated), as Standard Webhooks specifies.
 * `timestampSeconds` is the attempt's Unix time, so that the receiver can refuse a replay; `body` is the exact bytes
 * sent.
 */
export function signWebhook(keys: readonly Uint8Array[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`).join(' ');
}

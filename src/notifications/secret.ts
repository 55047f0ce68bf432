/** The prefix Standard Webhooks gives a symmetric signing secret, so that one is recognised wherever it is pasted. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Standard Webhooks' bounds on an HMAC-SHA256 signing key, in bytes. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** Padded standard base64 (what `openssl rand -base64` writes). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A DOCKET_WEBHOOK_SECRET that is not a Standard Webhooks secret; the message never repeats the value. */
export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
}

/**
 * The HMAC keys of DOCKET_WEBHOOK_SECRET: one `whsec_<base64 of 24 to 64 random bytes>`, or several separated by
 * spaces while a secret is rotated (each one signs every delivery, so the receiver can switch without missing one).
 */
export function parseWebhookSecrets(raw: string): Buffer[] {
  const secrets = raw.split(/\s+/).filter(Boolean);
  if (secrets.length === 0) throw new WebhookSecretError('is empty');
  return secrets.map((secret, index) => {
    const which = secrets.length > 1 ? `secret ${index + 1}` : 'the secret';
    if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
      throw new WebhookSecretError(`${which} must start with "${WEBHOOK_SECRET_PREFIX}" (Standard Webhooks' format)`);
    }
    const base64 = secret.slice(WEBHOOK_SECRET_PREFIX.length);
    if (!BASE64.test(base64)) throw new WebhookSecretError(`${which} is not base64 after "${WEBHOOK_SECRET_PREFIX}"`);
    const key = Buffer.from(base64, 'base64');
    if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
      throw new WebhookSecretError(
        `${which} holds ${key.length} bytes; use ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} random bytes, e.g. ` +
          `"${WEBHOOK_SECRET_PREFIX}$(openssl rand -base64 32)"`,
      );
    }
    return key;
  });
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ApplicationFailure, type Payload, type PayloadCodec } from '@temporalio/common';
import protos from '@temporalio/proto';
import type { PayloadKey } from './payload-keys.js';

const { Payload: PayloadMessage } = protos.temporal.api.common.v1;

/** The `encoding` metadata of an encrypted payload (Temporal's convention for codec output). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata entry naming the key that encrypted a payload. */
export const KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The failure type of a payload no configured key can decrypt: not retryable, a person must add the key. */
export const PAYLOAD_KEY_ERROR = 'DocketPayloadKeyError';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface EncryptionCodecOptions {
  /** Every key that may decrypt; the first encrypts. */
  keys: readonly PayloadKey[];
  /** `false`: write payloads in plain text but still decrypt those written with a key. @default true */
  encrypt?: boolean;
}

/**
 * AES-256-GCM over each whole payload (its metadata and data, serialised as the protobuf `Payload`), a fresh 12-byte
 * nonce per payload and the key id bound as additional data. Payloads that are not `binary/encrypted` pass through
 * `decode` unchanged: histories written before encryption was turned on (or with it off) must stay readable and
 * replayable, and reading them discloses nothing that was not already stored in plain text.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly encryptWith?: PayloadKey;
  private readonly byId: ReadonlyMap<string, PayloadKey>;

  constructor(options: EncryptionCodecOptions) {
    this.byId = new Map(options.keys.map((k) => [k.id, k]));
    this.encryptWith = options.encrypt === false ? undefined : options.keys[0];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.encryptWith;
    if (!key) return payloads;
    return payloads.map((payload) => {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv(ALGORITHM, key.key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(encoder.encode(key.id));
      const plain = PayloadMessage.encode(payload).finish();
      const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(key.id) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const rawId = payload.metadata?.[KEY_ID_METADATA];
      const id = rawId ? decoder.decode(rawId) : '';
      const key = this.byId.get(id);
      if (!key) {
        throw ApplicationFailure.nonRetryable(
          `a payload is encrypted with key "${id}", which is not among the configured keys: add it to ` +
            'DOCKET_PAYLOAD_KEYS (or DOCKET_PAYLOAD_KEYS_FILE) after the current one',
          PAYLOAD_KEY_ERROR,
        );
      }
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv(ALGORITHM, key.key, sealed.subarray(0, NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(encoder.encode(key.id));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([
          decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw ApplicationFailure.nonRetryable(
          `a payload encrypted with key "${id}" does not decrypt: the key "${id}" configured here is not the one that wrote it, or the payload was altered`,
          PAYLOAD_KEY_ERROR,
        );
      }
      return PayloadMessage.decode(plain);
    });
  }
}

import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec.js';
import type { PayloadKey } from './payload-keys.js';

/** The failure converter module, as TypeScript under tsx and as JavaScript once built. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(
  new URL(`./failure-converter${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/** How Docket encrypts what it writes to Temporal (`Config.payload`). */
export interface PayloadEncryption {
  /** `false` (DOCKET_PAYLOAD_ENCRYPTION=off): new payloads are written in plain text. */
  encrypt: boolean;
  /** Every key that may decrypt; the first encrypts. */
  keys: PayloadKey[];
}

/**
 * The data converter of every worker and client: AES-256-GCM payload encryption when keys are configured, and
 * failure messages encoded as payloads so that the codec covers them too.
 */
export function createDataConverter(encryption: PayloadEncryption): DataConverter {
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    payloadCodecs: encryption.keys.length > 0 ? [new EncryptionCodec(encryption)] : [],
  };
}

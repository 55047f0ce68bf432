import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One AES-256 key of DOCKET_PAYLOAD_KEYS; its id travels in every payload it encrypts, so old keys keep decrypting. */
export interface PayloadKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `keyId:base64-32-bytes` entries, comma- or newline-separated; the first encrypts, all decrypt.
 * @throws Error saying which entry is wrong and how (the caller names the variable)
 */
export function parsePayloadKeys(raw: string): PayloadKey[] {
  const entries = raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.startsWith('#'));
  if (entries.length === 0)
    throw new Error('holds no key: use keyId:base64-32-bytes, e.g. 2026-11:<openssl rand -base64 32>');
  const keys: PayloadKey[] = [];
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id)) {
      throw new Error(`entry "${entry.slice(0, 12)}…" must start with a key id (letters, digits, . _ -) and a colon`);
    }
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) {
      throw new Error(
        `key "${id}" is ${key.length} bytes once base64-decoded; AES-256 needs 32 (openssl rand -base64 32)`,
      );
    }
    if (keys.some((k) => k.id === id)) throw new Error(`key id "${id}" appears twice`);
    keys.push({ id, key });
  }
  return keys;
}

/** A fresh `keyId:base64` entry. */
export function generatePayloadKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * The development keys `npm start` keeps in `path` (created with a fresh key, readable by the owner only, on first
 * start), so that encryption is on by default and what `.data/temporal.db` holds stays readable across restarts.
 */
export function devPayloadKeys(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${generatePayloadKey(`dev-${new Date().toISOString().slice(0, 10)}`)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return readFileSync(path, 'utf8');
}

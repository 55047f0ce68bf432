import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec/encryption-codec.js';
import { devPayloadKeys, generatePayloadKey, parsePayloadKeys } from '../../src/codec/payload-keys.js';
import { ConfigError, loadConfig, requirePayloadKeys } from '../../src/config.js';

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const [oldKey, newKey] = [
  parsePayloadKeys(generatePayloadKey('old'))[0]!,
  parsePayloadKeys(generatePayloadKey('new'))[0]!,
];
const secret = () => defaultPayloadConverter.toPayload({ reasoning: 'the merger with ACME closes in May' });

describe('the AES-256-GCM payload codec', () => {
  it('encrypts each payload with a fresh nonce and names the key in its metadata', async () => {
    const codec = new EncryptionCodec({ keys: [newKey, oldKey] });
    const [a, b] = await codec.encode([secret(), secret()]);
    for (const p of [a!, b!]) {
      assert.equal(text(p.metadata?.encoding), ENCRYPTED_ENCODING);
      assert.equal(text(p.metadata?.[KEY_ID_METADATA]), 'new');
      assert.ok(!text(p.data).includes('ACME'));
      assert.ok(!Buffer.from(p.data!).includes(Buffer.from('json/plain')), 'the inner metadata is encrypted too');
    }
    assert.notDeepEqual(Buffer.from(a!.data!).subarray(0, 12), Buffer.from(b!.data!).subarray(0, 12));
    const [decoded] = await codec.decode([a!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), {
      reasoning: 'the merger with ACME closes in May',
    });
  });

  it('decrypts payloads written under an older key after rotation, and says which key is missing', async () => {
    const [written] = await new EncryptionCodec({ keys: [oldKey] }).encode([secret()]);
    const [read] = await new EncryptionCodec({ keys: [newKey, oldKey] }).decode([written!]);
    assert.equal(text(read?.metadata?.encoding), 'json/plain');
    await assert.rejects(new EncryptionCodec({ keys: [newKey] }).decode([written!]), /key "old", which is not among/);
  });

  it('refuses a payload whose ciphertext or key id was altered', async () => {
    const codec = new EncryptionCodec({ keys: [newKey, oldKey] });
    const [sealed] = await codec.encode([secret()]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await assert.rejects(codec.decode([{ ...sealed!, data: flipped }]), /does not decrypt/);
    const relabelled: Payload = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('old') },
    };
    await assert.rejects(codec.decode([relabelled]), /does not decrypt/);
  });

  it('passes through payloads that are not encrypted, so histories written before encryption stay readable', async () => {
    const plain = secret();
    assert.deepEqual(await new EncryptionCodec({ keys: [newKey] }).decode([plain]), [plain]);
  });

  it('with encryption off, writes plain payloads but still reads encrypted ones', async () => {
    const [sealed] = await new EncryptionCodec({ keys: [newKey] }).encode([secret()]);
    const off = new EncryptionCodec({ keys: [newKey], encrypt: false });
    assert.equal(text((await off.encode([secret()]))[0]?.metadata?.encoding), 'json/plain');
    assert.equal(text((await off.decode([sealed!]))[0]?.metadata?.encoding), 'json/plain');
  });

  it('rejects keys that are not 32 bytes, lack an id or repeat one', () => {
    assert.throws(() => parsePayloadKeys('k1:' + Buffer.alloc(16).toString('base64')), /16 bytes.*needs 32/);
    assert.throws(() => parsePayloadKeys(Buffer.alloc(32).toString('base64')), /key id/);
    const entry = generatePayloadKey('same');
    assert.throws(() => parsePayloadKeys(`${entry},${entry}`), /appears twice/);
  });

  it('reads keys from DOCKET_PAYLOAD_KEYS or DOCKET_PAYLOAD_KEYS_FILE, naming the variable when one is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docket-keys-'));
    try {
      const file = join(dir, 'keys');
      writeFileSync(
        file,
        `# rotated in February\n${generatePayloadKey('2027-02')}\n${generatePayloadKey('2026-11')}\n`,
      );
      assert.deepEqual(
        loadConfig({ DOCKET_PAYLOAD_KEYS_FILE: file }).payload.keys.map((k) => k.id),
        ['2027-02', '2026-11'],
      );
      assert.throws(
        () => loadConfig({ DOCKET_PAYLOAD_KEYS: 'k1:c2hvcnQ=' }),
        (err: Error) => err instanceof ConfigError && /DOCKET_PAYLOAD_KEYS: key "k1" is 5 bytes/.test(err.message),
      );
      assert.throws(
        () => loadConfig({ DOCKET_PAYLOAD_KEYS_FILE: join(dir, 'none') }),
        /DOCKET_PAYLOAD_KEYS_FILE: ".*none" does not exist/,
      );
      assert.throws(
        () => loadConfig({ DOCKET_PAYLOAD_KEYS_FILE: file, DOCKET_PAYLOAD_KEYS: generatePayloadKey('x') }),
        /both set/,
      );
      assert.throws(
        () => requirePayloadKeys(loadConfig({})),
        /DOCKET_PAYLOAD_KEYS \(or DOCKET_PAYLOAD_KEYS_FILE\) is not set/,
      );
      assert.doesNotThrow(() => requirePayloadKeys(loadConfig({ DOCKET_PAYLOAD_ENCRYPTION: 'off' })));

      // npm start's dev key: created once, owner-readable only, the same on the next start.
      const devFile = join(dir, 'data', 'payload-keys');
      const first = devPayloadKeys(devFile);
      assert.equal(parsePayloadKeys(first).length, 1);
      assert.equal(devPayloadKeys(devFile), first);
      assert.equal(statSync(devFile).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const URL = 'https://hooks.example.com/docket/T0KEN';
const secretOf = (bytes: number, fill = 7) => `whsec_${Buffer.alloc(bytes, fill).toString('base64')}`;

describe('DOCKET_AUDIT_RATE', () => {
  it('audits 2% by default and takes any share from 0 to 1', () => {
    assert.equal(loadConfig({}).audit.rate, 0.02);
    assert.equal(loadConfig({ DOCKET_AUDIT_RATE: '0' }).audit.rate, 0);
    assert.equal(loadConfig({ DOCKET_AUDIT_RATE: '0.25' }).audit.rate, 0.25);
  });

  it('names the variable when the rate is not a share', () => {
    for (const bad of ['1.5', '-0.1', 'often']) {
      assert.throws(() => loadConfig({ DOCKET_AUDIT_RATE: bad }), /DOCKET_AUDIT_RATE/, bad);
    }
  });
});

describe('DOCKET_WEBHOOK_URL and DOCKET_WEBHOOK_SECRET', () => {
  it('sends no webhooks when no URL is set', () => {
    assert.equal(loadConfig({}).webhook, undefined);
    assert.equal(loadConfig({ DOCKET_WEBHOOK_SECRET: secretOf(32) }).webhook, undefined);
  });

  it('decodes the secret, and every secret of a rotation, to its HMAC key', () => {
    const webhook = loadConfig({ DOCKET_WEBHOOK_URL: URL, DOCKET_WEBHOOK_SECRET: secretOf(32) }).webhook;
    assert.equal(webhook?.url, URL);
    assert.deepEqual(webhook?.secrets, [Buffer.alloc(32, 7)]);
    const rotating = loadConfig({
      DOCKET_WEBHOOK_URL: URL,
      DOCKET_WEBHOOK_SECRET: `${secretOf(32, 1)}  ${secretOf(24, 2)}`,
    }).webhook;
    assert.deepEqual(rotating?.secrets, [Buffer.alloc(32, 1), Buffer.alloc(24, 2)]);
  });

  it('refuses a URL without a secret: webhooks are always signed', () => {
    assert.throws(
      () => loadConfig({ DOCKET_WEBHOOK_URL: URL }),
      (e: unknown) => e instanceof ConfigError && /DOCKET_WEBHOOK_SECRET: required/.test(e.message),
    );
  });

  it('says what is wrong with a secret without repeating it', () => {
    const cases: Array<[string, RegExp]> = [
      ['sk-not-a-webhook-secret', /must start with "whsec_"/],
      ['whsec_not*base64!', /is not base64/],
      [secretOf(16), /holds 16 bytes; use 24 to 64/],
      [secretOf(65), /holds 65 bytes/],
    ];
    for (const [secret, message] of cases) {
      assert.throws(
        () => loadConfig({ DOCKET_WEBHOOK_URL: URL, DOCKET_WEBHOOK_SECRET: secret }),
        (e: unknown) =>
          e instanceof ConfigError &&
          /DOCKET_WEBHOOK_SECRET/.test(e.message) &&
          message.test(e.message) &&
          !e.message.includes(secret.slice(6)),
        secret,
      );
    }
  });

  it('takes only an http or https URL', () => {
    assert.throws(
      () => loadConfig({ DOCKET_WEBHOOK_URL: 'ftp://hooks.example.com', DOCKET_WEBHOOK_SECRET: secretOf(32) }),
      /DOCKET_WEBHOOK_URL: must be an http:\/\/ or https:\/\/ URL/,
    );
  });
});

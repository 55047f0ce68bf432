import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec/encryption-codec.js';
import { generatePayloadKey } from '../../src/codec/payload-keys.js';
import { loadConfig } from '../../src/config.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { documentWorkflowId } from '../../src/shared/names.js';
import { connectClient } from '../../src/temporal-connection.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { serveApp } from '../helpers/browser.js';
import { startDocket, TEST_TOKENS, workflowBundle, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs } from '../helpers/processes.js';

const run = promisify(execFile);
const MODEL_MARKER = 'MODELMARKER-7c1f-output';
const NOTE_MARKER = 'NOTEMARKER-93ab-review';

interface FoundPayload {
  path: string;
  encoding: string;
  keyId: string;
}

const utf8 = (bytes: unknown) => (bytes instanceof Uint8Array ? Buffer.from(bytes).toString('utf8') : '');

/** Every payload (an object with `metadata.encoding` and `data`) inside a history or response, with where it sits. */
function payloadsIn(value: unknown, path = '', found: FoundPayload[] = []): FoundPayload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, unknown> | undefined;
  if (metadata && 'encoding' in metadata && 'data' in record) {
    found.push({ path, encoding: utf8(metadata.encoding), keyId: utf8(metadata[KEY_ID_METADATA]) });
    return found;
  }
  for (const [key, child] of Object.entries(record)) payloadsIn(child, `${path}.${key}`, found);
  return found;
}

/** Every string of a JSON document, and what its base64 strings decode to (the CLI prints payload data as base64). */
function jsonTexts(json: string): string {
  const texts: string[] = [json];
  JSON.parse(json, (_key, value: unknown) => {
    if (typeof value === 'string' && /^[A-Za-z0-9+/=]{8,}$/.test(value)) {
      texts.push(Buffer.from(value, 'base64').toString('latin1'));
    }
    return value;
  });
  return texts.join('\n');
}

describe('payload encryption', () => {
  let dir: string;
  let env: DocketTestEnv;
  let api: TestApi;
  let worker: Awaited<ReturnType<DocketTestEnv['startWorker']>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-encryption-'));
    env = await startDocket({ temporalDbFilename: join(dir, 'temporal.db'), worker: false });
    worker = await env.startWorker();
    api = testApi(env);
  });
  after(async () => {
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The raw history, read by a client without the codec (as anyone with access to the cluster would). */
  async function rawHistory(workflowId: string) {
    const { history } = await env.temporal.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
    });
    return history!;
  }

  it("keeps a model output marker and a review note out of Temporal's database and `temporal workflow show`, while the API and `docket status` show them", async () => {
    const id = `enc-marker-${Date.now()}`;
    env.sim.addRule({
      match: id,
      faults: [{ kind: 'low_confidence', confidence: 0.2, reasoning: `it reads like ${MODEL_MARKER}` }],
    });
    await api.submit({ id, text: `${id} the invoice was charged twice, please refund` });
    const pending = await api.waitForStatus(id, 'pending_review');
    assert.match(JSON.stringify(pending), new RegExp(MODEL_MARKER), 'the API shows the model output');
    const reviewed = await api.review(id, { category: 'business', note: `checked ${NOTE_MARKER}` });
    assert.equal(reviewed.status, 200, await reviewed.clone().text());
    const done = await api.waitForStatus(id, 'completed');
    await env.client.workflow.getHandle(documentWorkflowId(id)).result();
    assert.match(JSON.stringify(done), new RegExp(NOTE_MARKER), 'the API shows the note');

    const served = await serveApp(api.app);
    try {
      const { stdout } = await run(process.execPath, ['bin/docket.js', 'status', id, '--json'], {
        env: { ...process.env, DOCKET_URL: served.url, DOCKET_TOKEN: TEST_TOKENS.admin },
      });
      assert.match(stdout, new RegExp(NOTE_MARKER), 'docket status shows the note');
    } finally {
      await served.close();
    }

    const workflowId = documentWorkflowId(id);
    const { stdout: shown } = await run(findTemporalCli(), [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--address',
      env.temporal.address,
      '--output',
      'json',
    ]);
    assert.match(shown, /WorkflowExecutionCompleted|EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED/);
    const shownTexts = jsonTexts(shown);
    assert.ok(!shownTexts.includes(MODEL_MARKER), 'temporal workflow show reveals the model output');
    assert.ok(!shownTexts.includes(NOTE_MARKER), 'temporal workflow show reveals the review note');
    assert.ok(shownTexts.includes(ENCRYPTED_ENCODING));

    const stored = readdirSync(dir)
      .filter((name) => name.startsWith('temporal.db'))
      .map((name) => readFileSync(join(dir, name)));
    assert.ok(stored.length > 0 && stored.some((b) => b.includes(workflowId)), 'the database file holds the workflow');
    for (const bytes of stored) {
      assert.ok(!bytes.includes(MODEL_MARKER), "Temporal's database file holds the model output");
      assert.ok(!bytes.includes(NOTE_MARKER), "Temporal's database file holds the review note");
    }

    // Inputs, results, update arguments and results, markers: every payload but the indexed search attributes and
    // the patch markers of `patched()`, which the SDK's core writes itself and which hold only the patch's id.
    const payloads = payloadsIn(await rawHistory(workflowId));
    const open = payloads.filter(
      (p) =>
        p.encoding !== ENCRYPTED_ENCODING &&
        !p.path.includes('searchAttributes') &&
        !/markerRecordedEventAttributes\.details\.patch-data\./.test(p.path),
    );
    assert.deepEqual(open, [], 'payloads written in plain text');
    assert.ok(payloads.some((p) => p.path.includes('workflowExecutionUpdateAcceptedEventAttributes')));
    const { queryResult } = await env.temporal.client.workflowService.queryWorkflow({
      namespace: 'default',
      execution: { workflowId },
      query: { queryType: 'status' },
    });
    assert.deepEqual(
      payloadsIn(queryResult).map((p) => p.encoding),
      [ENCRYPTED_ENCODING],
      'the status query result',
    );
  });

  it("encrypts failures' messages and details, and the API still explains the pause", async () => {
    const id = `enc-failure-${Date.now()}`;
    env.sim.addRule({ match: id, faults: ['unauthorized'] });
    await api.submit({ id, text: `${id} the deploy broke the kubernetes cluster` });
    const paused = await api.waitForStatus(id, 'paused');
    assert.ok(paused.pause?.reason, JSON.stringify(paused));
    const history = await rawHistory(documentWorkflowId(id));
    const failures = history.events!.flatMap((e) => e.activityTaskFailedEventAttributes?.failure ?? []);
    assert.ok(failures.length > 0, 'the failed call is in the history');
    for (const failure of failures) {
      assert.equal(failure.message, 'Encoded failure');
      assert.equal(failure.stackTrace ?? '', '');
      assert.equal(utf8(failure.encodedAttributes?.metadata?.encoding), ENCRYPTED_ENCODING);
      for (const p of payloadsIn(failure.applicationFailureInfo)) assert.equal(p.encoding, ENCRYPTED_ENCODING);
    }
  });

  it('rotates keys: new payloads use the new first key, and histories written under the old one still replay and decode', async () => {
    const oldId = `enc-rotate-old-${Date.now()}`;
    await api.submit({ id: oldId, text: `${oldId} revenue and sales grew this quarter` });
    await api.waitForStatus(oldId, 'completed');
    await env.client.workflow.getHandle(documentWorkflowId(oldId)).result();
    const oldKeys = env.childEnv.DOCKET_PAYLOAD_KEYS!;
    const oldKeyId = oldKeys.split(':')[0]!;

    const rotatedEnv = { ...env.childEnv, DOCKET_PAYLOAD_KEYS: `${generatePayloadKey('rotated-2')},${oldKeys}` };
    const rotated = loadConfig(rotatedEnv);
    worker.shutdown();
    await worker.done;
    worker = await env.startWorker({ DOCKET_PAYLOAD_KEYS: rotatedEnv.DOCKET_PAYLOAD_KEYS });
    const clients: { close(): Promise<void> }[] = [];
    const connect = async (keys: string): Promise<Client> => {
      const config = loadConfig({ ...env.childEnv, DOCKET_PAYLOAD_KEYS: keys });
      const { connection, client } = await connectClient(config.temporal, {
        dataConverter: createDataConverter(config.payload),
      });
      clients.push(connection);
      return client;
    };
    try {
      const client = await connect(rotatedEnv.DOCKET_PAYLOAD_KEYS);
      const rotatedApi = testApi({ ...env, client, config: rotated });
      const newId = `enc-rotate-new-${Date.now()}`;
      await rotatedApi.submit({ id: newId, text: `${newId} revenue and sales grew this quarter` });
      await rotatedApi.waitForStatus(newId, 'completed');
      await client.workflow.getHandle(documentWorkflowId(newId)).result();

      const keyIds = (id: string) =>
        rawHistory(documentWorkflowId(id)).then((h) =>
          payloadsIn(h.events?.find((e) => e.workflowExecutionCompletedEventAttributes)),
        );
      assert.deepEqual([...new Set((await keyIds(newId)).map((p) => p.keyId))], ['rotated-2']);
      assert.deepEqual([...new Set((await keyIds(oldId)).map((p) => p.keyId))], [oldKeyId]);

      // The old history replays with the rotated keys, and its result still decodes.
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: createDataConverter(rotated.payload) },
        await rawHistory(documentWorkflowId(oldId)),
        documentWorkflowId(oldId),
      );
      const oldResult = await client.workflow.getHandle(documentWorkflowId(oldId)).result();
      assert.ok(JSON.stringify(oldResult).includes('category'));
      // Without the old key it does not, and the error names the missing key.
      const withoutOld = await connect(rotatedEnv.DOCKET_PAYLOAD_KEYS.split(',')[0]!);
      await assert.rejects(
        withoutOld.workflow.getHandle(documentWorkflowId(oldId)).result(),
        new RegExp(`key "${oldKeyId}", which is not among the configured keys`),
      );
    } finally {
      await Promise.allSettled(clients.map((c) => c.close()));
      // The next tests read through the API with the original keys: a worker writing under rotated-2 would defeat them.
      worker.shutdown();
      await worker.done;
      worker = await env.startWorker();
    }
  });

  it('decodes and encodes payloads over the codec protocol for reviewers, as the Web UI and `temporal --codec-endpoint` call it', async () => {
    const id = `enc-codec-${Date.now()}`;
    await api.submit({ id, text: `${id} revenue and sales grew this quarter` });
    await api.waitForStatus(id, 'completed');
    // The API reports completed once the result is stored; the workflow closes right after.
    await env.client.workflow.getHandle(documentWorkflowId(id)).result();
    const history = await rawHistory(documentWorkflowId(id));
    const result = history.events!.find((e) => e.workflowExecutionCompletedEventAttributes)!
      .workflowExecutionCompletedEventAttributes!.result!;
    const asJson = {
      payloads: result.payloads!.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(p.data!).toString('base64'),
      })),
    };
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      api.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const reviewer = { authorization: `Bearer ${TEST_TOKENS.reviewer}` };
    const decodedRes = await post('/codec/decode', asJson, reviewer);
    assert.equal(decodedRes.status, 200, await decodedRes.clone().text());
    const decoded = (await decodedRes.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(decoded.payloads[0]!.metadata.encoding!, 'base64').toString(), 'json/plain');
    const category = (await api.get(id)).result?.category;
    assert.ok(category);
    assert.match(Buffer.from(decoded.payloads[0]!.data, 'base64').toString(), new RegExp(`"category":"${category}"`));
    const encoded = (await (await post('/codec/encode', decoded, reviewer)).json()) as typeof decoded;
    assert.equal(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString(), ENCRYPTED_ENCODING);
    const again = (await (await post('/codec/decode', encoded, reviewer)).json()) as typeof decoded;
    assert.deepEqual(again, decoded);

    assert.equal((await post('/codec/decode', asJson, {})).status, 401);
    assert.equal(
      (await post('/codec/decode', asJson, { authorization: `Bearer ${TEST_TOKENS.submitter}` })).status,
      403,
    );
    const bad = await post('/codec/decode', { payloads: [{ data: 'not base64!' }] }, reviewer);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /base64/);
  });

  it("answers the Web UI's origin only, and accepts the session cookie the review page opens at sign-in", async () => {
    const webUi = new URL(env.config.webUiUrl).origin;
    const preflight = await api.app.request('/codec/decode', {
      method: 'OPTIONS',
      headers: { origin: webUi, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), webUi);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    const foreign = await api.app.request('/codec/decode', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);

    const refused = await api.app.request('/codec/session', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.submitter}` },
    });
    assert.equal(refused.status, 403);
    const opened = await api.app.request('/codec/session', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKENS.reviewer}` },
    });
    assert.equal(opened.status, 204);
    const setCookie = opened.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.match(setCookie, /Path=\/codec/);
    assert.ok(!setCookie.includes(TEST_TOKENS.reviewer), 'the cookie does not hold the token');
    const cookie = setCookie.split(';')[0]!;
    const decode = (cookieHeader: string) =>
      api.app.request('/codec/decode', {
        method: 'POST',
        headers: { origin: webUi, cookie: cookieHeader, 'content-type': 'application/json' },
        body: JSON.stringify({ payloads: [] }),
      });
    const ok = await decode(cookie);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(ok.headers.get('access-control-allow-origin'), webUi);
    assert.equal((await decode(`${cookie.slice(0, -2)}xx`)).status, 401, 'a tampered session is refused');
  });

  it('will not start a worker or the API without keys, unless DOCKET_PAYLOAD_ENCRYPTION=off says so', async () => {
    const withoutKeys = { ...env.childEnv, DOCKET_PAYLOAD_KEYS: undefined, PORT: '0' };
    for (const entry of ['src/worker.ts', 'src/api/server.ts']) {
      const refused = spawnTs(entry, [], withoutKeys);
      const { code } = await refused.exited;
      assert.equal(code, 1, refused.output());
      assert.match(refused.output(), /DOCKET_PAYLOAD_KEYS \(or DOCKET_PAYLOAD_KEYS_FILE\) is not set/);
      assert.match(refused.output(), /DOCKET_PAYLOAD_ENCRYPTION=off/);
    }
    const plain = spawnTs('src/api/server.ts', [], {
      ...withoutKeys,
      DOCKET_PAYLOAD_ENCRYPTION: 'off',
      DOCKET_LOG_LEVEL: 'info',
    });
    try {
      await plain.waitForOutput(/API listening/);
    } finally {
      plain.child.kill('SIGTERM');
      await plain.exited;
    }
  });
});

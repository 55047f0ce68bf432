import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTcpProxy, type TcpProxy } from '../../bench/chaos/tcp-proxy.js';
import { ERROR_TYPE_CLASS, isErrorType } from '../../src/shared/errors.js';
import { statusQuery } from '../../src/shared/messages.js';
import { documentWorkflowId } from '../../src/shared/names.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs, type Spawned } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const DOCUMENTS = 6;
const OUTAGE_MS = 25_000;

describe('the database unavailable while documents are classified', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let proxy: TcpProxy;
  let worker: Spawned;
  before(async () => {
    // Answers take a second or so, so that calls are in flight when the database goes.
    env = await startDocket({ worker: false, simulator: { latencyMs: { min: 500, max: 1_500 } } });
    api = testApi(env);
    const db = new URL(env.db.url);
    proxy = await startTcpProxy({ host: db.hostname, port: Number(db.port) });
    db.host = proxy.address;
    worker = spawnTs('src/worker.ts', [], { ...env.childEnv, DATABASE_URL: db.toString(), DOCKET_LOG_LEVEL: 'info' });
    await worker.waitForOutput(/worker started/);
  });
  after(async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
    await proxy.close();
    await env.stop();
  });

  it('pauses no document, shows no provider error, and completes every one once it is back', async () => {
    const marker = `infra-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const { id } = await api.submit({
        id: `${marker}-${i}`,
        text: `${marker} ${i} quarterly revenue and sales grew`,
      });
      ids.push(id);
    }
    await waitFor(
      async () => env.sim.requestsMatching(marker).length,
      (n) => n >= 1,
    );
    proxy.cut();
    const seen = new Map<string, Set<string>>();
    const look = async () => {
      for (const id of ids) {
        const progress = await env.client.workflow.getHandle(documentWorkflowId(id)).query(statusQuery);
        const notes = seen.get(id) ?? new Set<string>();
        notes.add(progress.status);
        if (progress.lastErrorType) notes.add(`error:${progress.lastErrorType}`);
        // What the retried LLM activity failed with, as Temporal holds it.
        const { raw } = await env.client.workflow.getHandle(documentWorkflowId(id)).describe();
        for (const pending of raw.pendingActivities ?? []) {
          const type = pending.lastFailure?.applicationFailureInfo?.type;
          if (type) notes.add(`error:${type}`);
        }
        seen.set(id, notes);
      }
    };
    const until = Date.now() + OUTAGE_MS;
    while (Date.now() < until) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    proxy.restore();
    for (const id of ids) await api.waitForStatus(id, 'completed', 120_000);
    await look();

    const shown = [...seen.values()].flatMap((notes) => [...notes]);
    assert.ok(shown.includes('error:DocketInfrastructureUnavailable'), `failures seen: ${shown.join(', ')}`);
    for (const [id, notes] of seen) {
      assert.ok(!notes.has('paused'), `${id} was paused: ${[...notes].join(', ')}`);
      for (const note of notes) {
        if (!note.startsWith('error:')) continue;
        const type = note.slice('error:'.length);
        assert.ok(
          isErrorType(type) && ERROR_TYPE_CLASS[type] === 'infrastructure',
          `${id} showed the error type ${type}`,
        );
      }
    }
  });
});

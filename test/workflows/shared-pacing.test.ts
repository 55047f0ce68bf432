import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { documentWorkflowId } from '../../src/shared/names.js';
import type { RecordedRequest } from '../../src/simulator/index.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { spawnTs, type Spawned } from '../helpers/processes.js';

const RPM = 60;
const DOCUMENTS = 16;

/** The most requests that arrived within any `ms` milliseconds. */
function peakIn(requests: RecordedRequest[], ms: number): number {
  const at = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while ((at[j] ?? 0) - (at[i] ?? 0) >= ms) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

/**
 * Two worker processes told the same `DOCKET_LLM_RPM`: the pacing is shared (through PostgreSQL and the task queue),
 * so their combined rate stays under the provider's limit, which the simulator enforces.
 */
describe('two worker processes sharing DOCKET_LLM_RPM', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  let second: Spawned;
  before(async () => {
    env = await startDocket({ worker: false, simulator: { rpm: RPM, latencyMs: { min: 20, max: 40 } } });
    const settings = { DOCKET_LLM_RPM: String(RPM), DOCKET_LLM_CONCURRENCY: '8' };
    // This test process is one worker, a child process the other: nothing but PostgreSQL and Temporal between them.
    second = spawnTs('src/worker.ts', [], { ...env.childEnv, ...settings, DOCKET_LOG_LEVEL: 'info' });
    await env.startWorker(settings);
    await second.waitForOutput(/worker started/, 180_000);
    api = testApi(env);
  });
  after(async () => {
    second.child.kill('SIGTERM');
    await second.exited;
    await env.stop();
  });

  it('keeps the combined rate under the limit, with no 429, while both workers call', async () => {
    const ids = Array.from({ length: DOCUMENTS }, (_, i) => `shared-${i}`);
    await Promise.all(ids.map((id) => api.submit({ id, text: `${id} the kubernetes deploy broke the API server` })));
    for (const id of ids) await api.waitForStatus(id, 'completed', 60_000);

    const requests = env.sim.requestsMatching('shared-');
    assert.equal(requests.length, DOCUMENTS);
    assert.equal(requests.filter((r) => r.status === 429).length, 0, 'the provider never refused a request');
    // One a second at 60 rpm, after a burst of one: at most 1 + 5 in any five seconds (one worker alone would do
    // as much, two unshared twice as much).
    const peak = peakIn(requests, 5_000);
    assert.ok(peak <= 6, `${peak} requests within five seconds at ${RPM} rpm`);

    // Both processes made calls: the workers that started the LLM activities, from the workflows' histories.
    const identities = new Set<string>();
    for (const id of ids) {
      const history = await env.client.workflow.getHandle(documentWorkflowId(id)).fetchHistory();
      const llmCalls = new Set<string>();
      for (const event of history.events ?? []) {
        if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'classifyWithLlm') {
          llmCalls.add(String(event.eventId));
        }
        const started = event.activityTaskStartedEventAttributes;
        if (started?.identity && llmCalls.has(String(started.scheduledEventId))) identities.add(started.identity);
      }
    }
    assert.equal(identities.size, 2, `LLM calls made by ${[...identities].join(', ')}`);
  });
});

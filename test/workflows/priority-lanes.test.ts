import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { batchWorkflowId, documentWorkflowId } from '../../src/shared/names.js';
import { TASK_PRIORITY } from '../../src/shared/priority.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';

const TEXT = 'the kubernetes deploy broke the API server';

/** The priority Temporal recorded for a workflow (inherited by its activities and children). */
async function recordedPriority(client: Client, workflowId: string) {
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  const priority = raw.workflowExecutionInfo?.priority;
  return { priorityKey: priority?.priorityKey ?? 0, fairnessKey: priority?.fairnessKey ?? '' };
}

describe('priority lanes', () => {
  let env: DocketTestEnv;
  let api: TestApi;
  // One LLM call at a time: the rest wait in the docket-llm task queue, where priority and fairness order them.
  before(async () => {
    env = await startDocket({
      env: { DOCKET_LLM_CONCURRENCY: '1' },
      simulator: { latencyMs: { min: 120, max: 120 } },
    });
    api = testApi(env);
  });
  after(() => env.stop());

  async function submitBatch(prefix: string, size: number): Promise<string> {
    const documents = Array.from({ length: size }, (_, i) => ({
      id: `${prefix}-${i}`,
      text: `${prefix}-${i} ${TEXT}`,
    }));
    const res = await api.call('/v1/batches', { method: 'POST', token: TEST_TOKENS.submitter, body: { documents } });
    assert.equal(res.status, 202, await res.clone().text());
    return ((await res.json()) as { batchId: string }).batchId;
  }

  /** Waits until the simulator has served `count` calls whose prompt holds `marker`. */
  const waitForCalls = (marker: string, count: number, timeoutMs = 60_000) =>
    waitFor(
      async () => env.sim.requestsMatching(marker).length,
      (n) => n >= count,
      { timeoutMs },
    );

  const requestIndex = (marker: string) => env.sim.requests.findIndex((r) => r.userText.includes(marker));

  it('dispatches an interactive document ahead of a batch backlog', async () => {
    const batchId = await submitBatch('lane-b', 16);
    // The backlog has formed: the batch's calls are queued behind the one in flight.
    await waitForCalls('lane-b-', 2, 30_000);
    const servedBefore = env.sim.requestsMatching('lane-b-').length;
    await api.submit({ id: 'lane-interactive', text: `lane-interactive ${TEXT}` });
    await api.waitForStatus('lane-interactive', 'completed', 60_000);

    const batchCallsBefore = env.sim.requests
      .slice(0, requestIndex('lane-interactive '))
      .filter((r) => r.userText.includes('lane-b-')).length;
    // Only calls already dispatched when it arrived (the one in flight, at most one more) went before it.
    assert.ok(
      batchCallsBefore <= servedBefore + 1,
      `${batchCallsBefore} batch calls went first; ${servedBefore} had been served when it was submitted`,
    );
    assert.ok(env.sim.requestsMatching('lane-b-').length < 16, 'the batch was still running');

    assert.deepEqual(await recordedPriority(env.client, documentWorkflowId('lane-interactive')), {
      priorityKey: TASK_PRIORITY.interactive,
      fairnessKey: '',
    });
    assert.deepEqual(await recordedPriority(env.client, batchWorkflowId(batchId)), {
      priorityKey: TASK_PRIORITY.batch,
      fairnessKey: batchId,
    });
    // A child inherits the batch's lane.
    assert.deepEqual(await recordedPriority(env.client, documentWorkflowId('lane-b-0')), {
      priorityKey: TASK_PRIORITY.batch,
      fairnessKey: batchId,
    });
    await waitForCalls('lane-b-', 16, 60_000);
  });

  it('lets a batch submitted later take turns with one already queued', async () => {
    await submitBatch('fair-a', 16);
    await waitForCalls('fair-a-', 1, 30_000);
    await submitBatch('fair-b', 16);
    await waitForCalls('fair-', 32, 90_000);
    const order = env.sim.requests.filter((r) => r.userText.includes('fair-'));
    const firstB = order.findIndex((r) => r.userText.includes('fair-b-'));
    // From B's first call on, the two alternate instead of B waiting for all of A's queued calls.
    const next = order.slice(firstB, firstB + 12);
    const fromA = next.filter((r) => r.userText.includes('fair-a-')).length;
    assert.ok(firstB < 8, `B's first call was call ${firstB + 1} of both`);
    assert.ok(fromA >= 4 && fromA <= 8, `A made ${fromA} of the 12 calls after B's first`);
  });
});

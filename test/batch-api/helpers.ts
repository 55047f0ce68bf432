import type { DocketTestOptions } from '../helpers/docket.js';
import { TEST_TOKENS } from '../helpers/docket.js';
import type { TestApi } from '../helpers/api.js';
import { FAST_CLOCK } from '../simulator/batch-helpers.js';

/** A Docket whose Batch API path runs in about a second: jobs formed after 300 ms, looked at every 100–300 ms. */
export function batchApiDocket(env: Record<string, string> = {}): DocketTestOptions {
  return {
    simulator: { batchClock: FAST_CLOCK },
    env: {
      DOCKET_BATCH_API_MAX_WAIT: '300ms',
      DOCKET_BATCH_API_POLL_INTERVAL: '100ms',
      DOCKET_BATCH_API_POLL_MAX: '300ms',
      ...env,
    },
  };
}

/** Submits a batch in `mode` through the API; returns its id and the documents' ids. */
export async function submitBatch(
  api: TestApi,
  documents: { id: string; text: string }[],
  mode: 'realtime' | 'batch_api' = 'batch_api',
): Promise<{ batchId: string; ids: string[] }> {
  const res = await api.call('/v1/batches', {
    method: 'POST',
    token: TEST_TOKENS.submitter,
    body: { documents, mode },
  });
  if (res.status !== 202) throw new Error(`batch submission returned ${res.status}: ${await res.text()}`);
  return (await res.json()) as { batchId: string; ids: string[] };
}

/** `count` documents whose texts the simulator classifies confidently, their ids starting with `prefix`. */
export function documents(prefix: string, count: number): { id: string; text: string }[] {
  const topics = [
    'the server api crashed after the deploy',
    'quarterly revenue and customer sales grew',
    'the contract clause and its liability terms',
    'our brand campaign and the marketing launch',
  ];
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, text: `${prefix}-${i}: ${topics[i % 4]}` }));
}

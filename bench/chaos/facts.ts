import { WORKFLOW_TYPES } from '../../src/shared/names.js';
import type { DocumentFacts } from './checks.js';
import { CHAOS_TOKENS, type ChaosCluster } from './cluster.js';
import type { SubmissionRecord } from './submissions.js';

/** What `GET /v1/documents/:id` said of one document (status, and a pause's reason and error type). */
export interface DocumentView {
  id: string;
  status?: string;
  pause?: string;
  /** The HTTP status when it was not 200, or `network` when no answer came within 15 s. */
  failure?: string;
}

/** Runs `task` over `items`, `concurrency` at a time. */
async function eachLimited<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Every document's status through the API, as a user sees it (undefined when the API gave no 200). */
export function viewDocuments(cluster: ChaosCluster, ids: string[]): Promise<DocumentView[]> {
  return eachLimited(ids, 8, async (id) => {
    try {
      const res = await fetch(`${cluster.apiUrl}/v1/documents/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${CHAOS_TOKENS.admin}` },
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status !== 200) return { id, failure: String(res.status) };
      const view = (await res.json()) as { status: string; pause?: { reason: string; lastError?: string } };
      const pause = view.pause ? `${view.pause.reason} / ${view.pause.lastError?.split(/[\s:]/)[0] ?? '–'}` : undefined;
      return { id, status: view.status, ...(pause ? { pause } : {}) };
    } catch {
      return { id, failure: 'network' };
    }
  });
}

const DOCUMENT_RUNS = `WorkflowType = '${WORKFLOW_TYPES.classifyDocument}'`;

/**
 * Waits until no document workflow runs with DocketStatus `classifying` and no start is owed, or `maxMs` passed;
 * says how long it took and whether it settled.
 */
export async function waitToSettle(
  cluster: ChaosCluster,
  maxMs: number,
  log: (line: string) => void,
): Promise<{ seconds: number; settled: boolean }> {
  let settled = false;
  const started = Date.now();
  let lastLog = 0;
  for (;;) {
    let classifying = -1;
    let owed = -1;
    try {
      ({ count: classifying } = await cluster.client.workflow.count(
        `${DOCUMENT_RUNS} AND ExecutionStatus = 'Running' AND DocketStatus = 'classifying'`,
      ));
      const { rows } = await cluster.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM workflow_starts WHERE started_at IS NULL',
      );
      owed = rows[0]?.n ?? 0;
    } catch {
      // Temporal may still be coming back; the next look counts.
    }
    if (classifying === 0 && owed === 0) {
      settled = true;
      break;
    }
    if (Date.now() - started > maxMs) {
      log(`settle time over: ${classifying} still classifying, ${owed} starts owed`);
      break;
    }
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`  settling: ${classifying} classifying, ${owed} starts owed`);
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  // Visibility trails the workflows by a moment; the checks read the API and the database afterwards.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return { seconds: (Date.now() - started) / 1000, settled };
}

/** Everything the checks need about the campaign's documents, read from the database, Temporal and the API. */
export async function gatherFacts(
  cluster: ChaosCluster,
  ids: string[],
  records: Map<string, SubmissionRecord>,
): Promise<{ documents: DocumentFacts[]; ledgerRows: Map<string, number>; views: DocumentView[] }> {
  const { pool } = cluster;
  const stored = new Set(
    (await pool.query<{ id: string }>('SELECT id FROM documents WHERE id = ANY($1)', [ids])).rows.map((r) => r.id),
  );
  const results = new Map(
    (
      await pool.query<{ id: string; n: number }>(
        'SELECT document_id AS id, count(*)::int AS n FROM classifications WHERE document_id = ANY($1) GROUP BY 1',
        [ids],
      )
    ).rows.map((r) => [r.id, r.n]),
  );
  const owed = new Set(
    (
      await pool.query<{ id: string }>(
        `SELECT d.id FROM documents d WHERE d.id = ANY($1) AND EXISTS (
           SELECT 1 FROM workflow_starts s WHERE s.started_at IS NULL AND (s.document_id = d.id
             OR s.batch_id IN (SELECT batch_id FROM batch_documents b WHERE b.document_id = d.id)))`,
        [ids],
      )
    ).rows.map((r) => r.id),
  );
  const ledgerRows = new Map(
    (
      await pool.query<{ id: string; n: number }>(
        'SELECT document_id AS id, count(*)::int AS n FROM llm_calls GROUP BY 1',
      )
    ).rows.map((r) => [r.id, r.n]),
  );
  const runs = new Map<string, string[]>();
  for await (const execution of cluster.client.workflow.list({ query: DOCUMENT_RUNS })) {
    const id = execution.workflowId.replace(/^classify-/, '');
    runs.set(id, [...(runs.get(id) ?? []), execution.status.name]);
  }
  const viewed = await viewDocuments(cluster, ids);
  const views = new Map(viewed.map((v) => [v.id, v]));
  const documents = ids.map((id): DocumentFacts => ({
    id,
    accepted: records.get(id)?.accepted ?? false,
    stored: stored.has(id),
    startOwed: owed.has(id),
    runs: runs.get(id) ?? [],
    classificationRows: results.get(id) ?? 0,
    ...(views.get(id)?.status !== undefined ? { status: views.get(id)?.status } : {}),
  }));
  return { documents, ledgerRows, views: viewed };
}

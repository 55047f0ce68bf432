import { generateDocuments } from '../documents.js';
import type { Prng } from '../../src/simulator/prng.js';

/** One document of the campaign: a marker in its text and its metadata, for the search through every log. */
export interface ChaosDocument {
  id: string;
  text: string;
  metadata: Record<string, unknown>;
}

/** A submission: one document alone, or several as a batch. */
export interface Submission {
  /** When to send it, ms after the fault phase began. */
  at: number;
  documents: ChaosDocument[];
  batch: boolean;
}

/** What the API answered a document's submission attempts. */
export interface SubmissionRecord {
  accepted: boolean;
  /**
   * Every answer, in order: an HTTP status or `network` when none came, followed by the infrastructure fault in
   * force when the request was sent, if any (`500 during database-outage`).
   */
  answers: string[];
}

/**
 * The campaign's documents, each with the marker at both ends of its text and in its metadata (a value, a nested
 * value and a key), and the plan of their submission: spread over the fault phase, a share of them in batches.
 */
export function planSubmissions(options: {
  count: number;
  seed: number;
  marker: string;
  durationMs: number;
  batchShare: number;
  batchSize: number;
  prng: Prng;
}): Submission[] {
  const { marker, prng } = options;
  const documents: ChaosDocument[] = generateDocuments(`chaos${options.seed}`, options.count, options.seed).map(
    (d) => ({
      id: d.id,
      text: `${d.text} Reference ${marker}.`,
      metadata: { source: 'chaos', note: `ticket ${marker}`, nested: { owner: marker }, [marker]: true },
    }),
  );
  const submissions: Submission[] = [];
  let i = 0;
  while (i < documents.length) {
    const batch = prng.next() < options.batchShare;
    const size = batch ? options.batchSize : 1;
    submissions.push({ at: 0, documents: documents.slice(i, i + size), batch });
    i += size;
  }
  // Evenly over the first 90% of the phase, so that late faults still meet documents in flight.
  const span = options.durationMs * 0.9;
  submissions.forEach((s, n) => (s.at = Math.round((n * span) / submissions.length)));
  return submissions;
}

/**
 * Sends one submission like a careful client: the same ids again after a network error or a 5xx (the API is
 * idempotent on id and text), one second apart, until `deadline`.
 */
export async function submit(
  apiUrl: string,
  token: string,
  submission: Submission,
  deadline: number,
  records: Map<string, SubmissionRecord>,
  faultInForce: () => string | undefined,
): Promise<void> {
  const path = submission.batch ? '/v1/batches' : '/v1/documents';
  const body = submission.batch ? { documents: submission.documents } : (submission.documents[0] as ChaosDocument);
  for (const d of submission.documents) records.set(d.id, { accepted: false, answers: [] });
  for (;;) {
    let answer: number | 'network';
    const fault = faultInForce();
    try {
      const res = await fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      answer = res.status;
    } catch {
      answer = 'network';
    }
    for (const d of submission.documents) {
      const record = records.get(d.id) as SubmissionRecord;
      record.answers.push(fault ? `${answer} during ${fault}` : String(answer));
      if (answer === 202) record.accepted = true;
    }
    if (answer !== 'network' && answer < 500) return;
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

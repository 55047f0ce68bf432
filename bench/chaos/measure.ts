import type { RecordedRequest } from '../../src/simulator/index.js';
import { documentIdOf } from '../documents.js';
import type { BadInputOutcome } from './bad-input.js';
import {
  answersPaidTwice,
  duplicatedDocuments,
  earlyRetries,
  ledgerVsRequests,
  lostDocuments,
  nonRetryableCalls,
  statusCounts,
  stillClassifying,
  strandedDocuments,
} from './checks.js';
import type { ChaosCluster } from './cluster.js';
import type { EventRecord } from './events.js';
import { gatherFacts, type DocumentView } from './facts.js';
import type { ChaosOptions } from './options.js';
import type { ChaosResults } from './report.js';
import type { Submission, SubmissionRecord } from './submissions.js';

/** Counts of each value. */
export function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

export interface MeasureInput {
  cluster: ChaosCluster;
  options: ChaosOptions;
  phase: {
    submissions: Submission[];
    records: Map<string, SubmissionRecord>;
    events: (EventRecord & { atSeconds: number })[];
    badInput: BadInputOutcome;
    startedAt: number;
  };
  /** The API's view of the accepted documents when the faults stopped. */
  atEnd: DocumentView[];
  /** When the operator resumed every paused document. */
  operatorActedAt: number;
  settle: { seconds: number; settled: boolean };
  run: Pick<ChaosResults, 'startedAt' | 'command' | 'commit' | 'machine'>;
}

/** Reads the end state of the campaign's documents and runs every check on it (marker leaks come later). */
export async function measure(input: MeasureInput): Promise<ChaosResults> {
  const { cluster, options, phase } = input;
  const ids = phase.submissions.flatMap((s) => s.documents.map((d) => d.id));
  const facts = await gatherFacts(cluster, ids, phase.records);
  const campaign = new Set(ids);
  const documentOf = (r: RecordedRequest) => {
    const id = documentIdOf(r.userText);
    return id !== undefined && campaign.has(id) ? id : undefined;
  };
  const requests = [...cluster.sim.requests];
  const campaignRows = new Map([...facts.ledgerRows].filter(([id]) => campaign.has(id)));
  const submissionAnswers = tally([...phase.records.values()].flatMap((r) => r.answers));
  const faultShare = Object.values(options.faultRates).reduce((a, b) => a + b, 0);
  return {
    ...input.run,
    settings: {
      documents: options.documents,
      durationSeconds: options.durationMs / 1000,
      settleSeconds: options.settleMs / 1000,
      seed: options.seed,
      database: cluster.database.kind,
      workers: options.workers,
      batchShare: options.batchShare,
      faultShare: Number(faultShare.toFixed(3)),
      faultRates: options.faultRates,
    },
    events: phase.events,
    submitted: ids.length,
    accepted: ids.filter((id) => phase.records.get(id)?.accepted).length,
    notAccepted: ids.filter((id) => !phase.records.get(id)?.accepted),
    submissionAnswers,
    lost: lostDocuments(facts.documents),
    duplicated: duplicatedDocuments(facts.documents),
    stranded: strandedDocuments(facts.documents),
    stillClassifying: stillClassifying(facts.documents),
    statusesAtEndOfFaults: tally(input.atEnd.map((v) => v.status ?? 'unanswered')),
    pausesAtEndOfFaults: tally(input.atEnd.flatMap((v) => (v.pause ? [v.pause] : []))),
    finalStatuses: statusCounts(facts.documents),
    settleSeconds: input.settle.seconds,
    settled: input.settle.settled,
    ledger: ledgerVsRequests(campaignRows, requests, documentOf),
    allLedgerRows: [...facts.ledgerRows.values()].reduce((a, b) => a + b, 0),
    allProviderRequests: requests.length,
    phaseStartedAt: phase.startedAt,
    answersPaidTwice: answersPaidTwice(requests, documentOf),
    nonRetryable: nonRetryableCalls(requests, documentOf, [...phase.badInput.resumes, input.operatorActedAt]),
    earlyRetries: earlyRetries(requests, documentOf),
    faultsDrawn: tally(requests.flatMap((r) => (r.fault ? [r.fault] : []))),
    providerStatuses: tally(requests.map((r) => String(r.status ?? 'none'))),
    badInput: phase.badInput,
    apiServerErrors: {
      submissions: Object.fromEntries(Object.entries(submissionAnswers).filter(([k]) => k.startsWith('5'))),
      badInput: phase.badInput.serverErrors.length,
      reads: tally([...input.atEnd, ...facts.views].flatMap((v) => (v.failure ? [v.failure] : []))),
    },
    markerLeaks: {},
    unexpectedExits: Object.fromEntries(
      [cluster.api, ...cluster.workers].filter((p) => p.unexpectedExits > 0).map((p) => [p.name, p.unexpectedExits]),
    ),
  };
}

import type { BadInputOutcome } from './bad-input.js';
import type { NonRetryableCalls } from './checks.js';
import type { EventRecord } from './events.js';

/** Everything a campaign measured, as written to `bench/results/chaos-<timestamp>.json`. */
export interface ChaosResults {
  startedAt: string;
  command: string;
  commit: string;
  settings: Record<string, unknown>;
  machine: { cpus: number; loadAverageAtStart: number[] };
  events: (EventRecord & { atSeconds: number })[];
  submitted: number;
  accepted: number;
  notAccepted: string[];
  submissionAnswers: Record<string, number>;
  lost: string[];
  duplicated: string[];
  stranded: string[];
  stillClassifying: string[];
  statusesAtEndOfFaults: Record<string, number>;
  pausesAtEndOfFaults: Record<string, number>;
  finalStatuses: Record<string, number>;
  settleSeconds: number;
  /** Whether the run settled (nothing classifying, no start owed) before the settle time ran out. */
  settled: boolean;
  ledger: { rows: number; requests: number; missingRows: number; extraRows: number; documentsMismatched: number };
  allLedgerRows: number;
  allProviderRequests: number;
  /** When the fault phase began (epoch ms): the times below are read against the events from there. */
  phaseStartedAt: number;
  answersPaidTwice: { id: string; at: number[] }[];
  nonRetryable: NonRetryableCalls;
  earlyRetries: { fromAnswer: number; fromRequest: number; asked: number };
  faultsDrawn: Record<string, number>;
  providerStatuses: Record<string, number>;
  badInput: BadInputOutcome;
  /**
   * 5xx answers of the API: to submissions (with the infrastructure fault in force), to the bad-input corpus, and
   * failed status reads after the faults stopped (`GET /v1/documents/:id`, by HTTP status or `network`).
   */
  apiServerErrors: { submissions: Record<string, number>; badInput: number; reads: Record<string, number> };
  markerLeaks: Record<string, number>;
  unexpectedExits: Record<string, number>;
}

const list = (ids: string[], max = 10) =>
  ids.length === 0 ? '' : ` (${ids.slice(0, max).join(', ')}${ids.length > max ? ', …' : ''})`;
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** The verdict table: each goal, what the run measured, and whether the goal was met. */
export function goalRows(r: ChaosResults): { goal: string; measured: string; met: boolean }[] {
  const leaks = Object.values(r.markerLeaks).reduce((a, b) => a + b, 0);
  const fiveHundreds = Object.entries(r.apiServerErrors.submissions)
    .filter(([answer]) => answer.startsWith('500'))
    .reduce((n, [, count]) => n + count, 0);
  const failedReads = Object.values(r.apiServerErrors.reads).reduce((a, b) => a + b, 0);
  const fiveXx = r.apiServerErrors.badInput + fiveHundreds + failedReads;
  return [
    { goal: 'lost documents', measured: `${r.lost.length}${list(r.lost)}`, met: r.lost.length === 0 },
    {
      goal: 'duplicated documents (2+ result rows or completed runs)',
      measured: `${r.duplicated.length}${list(r.duplicated)}`,
      met: r.duplicated.length === 0,
    },
    {
      goal: 'stranded documents (classifying, no workflow running)',
      measured: `${r.stranded.length}${list(r.stranded)}`,
      met: r.stranded.length === 0,
    },
    {
      goal: 'still classifying after the settle time',
      measured: `${r.stillClassifying.length}${list(r.stillClassifying)}`,
      met: r.stillClassifying.length === 0,
    },
    {
      goal: 'ledger rows = provider requests',
      measured:
        `${r.ledger.rows} rows / ${r.ledger.requests} requests: ${r.ledger.missingRows} calls without a row, ` +
        `${r.ledger.extraRows} rows without a call, ${r.ledger.documentsMismatched} documents differ`,
      met: r.ledger.missingRows === 0 && r.ledger.extraRows === 0,
    },
    {
      goal: 'a valid answer bought once',
      measured: `${r.answersPaidTwice.length} documents paid twice${list(r.answersPaidTwice.map((p) => p.id))}`,
      met: r.answersPaidTwice.length === 0,
    },
    {
      goal: 'calls per non-retryable error = 1',
      measured:
        r.nonRetryable.errors === 0
          ? 'no non-retryable error drawn'
          : `${r.nonRetryable.callsPerError.toFixed(2)} (${r.nonRetryable.errors} errors, ` +
            `${r.nonRetryable.followUps} calls after them before the operator resumed)`,
      met: r.nonRetryable.followUps === 0,
    },
    {
      goal: 'no retry before Retry-After',
      measured:
        `${r.earlyRetries.fromAnswer} of ${r.earlyRetries.asked} early from the answer ` +
        `(${r.earlyRetries.fromRequest} from the request)`,
      met: r.earlyRetries.fromAnswer === 0,
    },
    {
      goal: 'no 500 from the API, no 5xx for bad input',
      measured:
        `${r.apiServerErrors.badInput} 5xx of ${r.badInput.requests} bad-input requests; submissions: ` +
        `${counts(r.apiServerErrors.submissions)}; status reads after the faults that failed: ` +
        counts(r.apiServerErrors.reads),
      met: fiveXx === 0,
    },
    {
      goal: 'no marker in any log or workflow history',
      measured: leaks === 0 ? '0' : `${leaks}: ${counts(r.markerLeaks)}`,
      met: leaks === 0,
    },
  ];
}

/** The run as Markdown, goals first. */
export function renderChaosMarkdown(r: ChaosResults): string {
  const lines: string[] = [];
  lines.push(`# Chaos campaign ${r.startedAt}`, '');
  const load = r.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ');
  lines.push(
    `\`${r.command}\` at ${r.commit || 'unknown commit'}, ${r.machine.cpus} CPUs, load average at start ${load}.`,
  );
  lines.push('');
  lines.push(
    `Settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('; ')}.`,
    '',
  );
  lines.push(`**${r.submitted} documents submitted, ${r.accepted} accepted**${list(r.notAccepted)}.`, '');
  lines.push('| goal (all zero) | measured | met |', '| --- | --- | --- |');
  for (const g of goalRows(r)) lines.push(`| ${g.goal} | ${g.measured} | ${g.met ? 'yes' : '**no**'} |`);
  lines.push('', '## Events', '', '| at (s) | event | lasted (s) | note |', '| --- | --- | --- | --- |');
  for (const e of r.events) {
    const what = e.kind === 'worker-kill' ? `worker-kill ${e.worker ? `worker-${e.worker}` : 'all workers'}` : e.kind;
    const lasted = e.endedAt ? ((e.endedAt - e.startedAt) / 1000).toFixed(0) : '–';
    lines.push(`| ${e.atSeconds.toFixed(0)} | ${what} | ${lasted} | ${e.note ?? ''} |`);
  }
  lines.push('', '## Details', '');
  lines.push(`- Submission answers (per document): ${counts(r.submissionAnswers)}.`);
  lines.push(`- Statuses when the faults stopped: ${counts(r.statusesAtEndOfFaults)}.`);
  lines.push(`- Pauses when the faults stopped (reason / last error): ${counts(r.pausesAtEndOfFaults)}.`);
  const settle = r.settled
    ? `settled in ${r.settleSeconds.toFixed(0)} s`
    : `the settle time ran out after ${r.settleSeconds.toFixed(0)} s`;
  lines.push(
    `- Then the operator resumed every paused document; ${settle}. Final statuses: ${counts(r.finalStatuses)}.`,
  );
  lines.push(
    `- Provider answers (\`none\`: a hang or reset): ${counts(r.providerStatuses)}; injected faults drawn: ` +
      `${counts(r.faultsDrawn)}.`,
  );
  lines.push(
    `- Whole ledger: ${r.allLedgerRows} rows for ${r.allProviderRequests} provider requests ` +
      '(including documents the bad-input corpus got accepted).',
  );
  const second = (t: number) => ((t - r.phaseStartedAt) / 1000).toFixed(0);
  lines.push(`- Non-retryable errors by kind: ${counts(r.nonRetryable.byKind)}.`);
  for (const c of r.nonRetryable.repeated) {
    lines.push(`  - ${c.id}: ${c.kind} at ${second(c.at)} s, called again at ${c.next.map(second).join(', ')} s`);
  }
  for (const p of r.answersPaidTwice) {
    lines.push(`- ${p.id}: a valid answer bought at ${p.at.map(second).join(', ')} s`);
  }
  lines.push(
    `- Bad input: ${r.badInput.requests} requests, statuses ${counts(r.badInput.statuses)}; ` +
      `${r.badInput.unanswered.length} unanswered.`,
  );
  for (const e of r.badInput.serverErrors.slice(0, 20)) lines.push(`  - ${e.status}: ${e.request}`);
  lines.push(`- Processes that exited by themselves: ${counts(r.unexpectedExits)}.`);
  lines.push('', '## Notes', '');
  lines.push(
    '- The ledger row is written after the call until the write-ahead ledger (issue 13 item 2) lands: a call in',
    '  flight at a worker SIGKILL, or answered while the database is cut, has no row, and its retry buys the answer',
    '  again. A mismatch and answers bought twice are expected until then.',
    '- A 5xx during the database outage is counted, not excused: the API should answer 503 with what is down.',
    '- Times are seconds from the start of the fault phase, as in the events table.',
  );
  lines.push('');
  return lines.join('\n');
}

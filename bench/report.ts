import type { BatchApiFigures } from './batch-api.js';
import type { FairnessFigures, InteractiveFigures } from './lanes.js';
import type { Side, SideMetrics } from './metrics.js';
import type { ScenarioKey } from './scenarios.js';

/** One scenario's outcome, as written to the JSON results and rendered to Markdown. */
export interface ScenarioResult {
  key: ScenarioKey;
  title: string;
  bound: string;
  documents: number;
  concurrency: number;
  docketEnv: Record<string, string>;
  simulator: Record<string, unknown>;
  /** Theoretical documents per second, min(R, T/k, C/L); absent for the engine-bound runs. */
  limit?: number;
  /** (e): the limit once the injected faults' share of the admitted requests is taken out. */
  faultAdjustedLimit?: number;
  /** Tokens per successful request as the provider counts them (prompt + completion), measured. */
  tokensPerRequest?: number;
  /** What the provider reserves at admission: prompt + the output cap. */
  reservedTokensPerRequest?: number;
  sides: Partial<Record<Side, SideMetrics>>;
  errors: Partial<Record<Side, string>>;
  /** (e): tokens per document divided by the same side's fault-free (b). */
  tokensRatioToFaultFree?: Partial<Record<Side, number>>;
  /** (e): billed tokens per document divided by the same side's fault-free (b). */
  billedTokensRatioToFaultFree?: Partial<Record<Side, number>>;
  /** (e): the same without the requests the provider's limiter refused, over (b)'s billed tokens: the floor the
   * injected faults alone set for this run's draw. */
  tokensFloorRatio?: Partial<Record<Side, number>>;
  /** Client RSS over the run (thinned): seconds since submission, bytes, documents completed. */
  rssSeries?: Partial<Record<Side, { t: number; rss: number; completed: number }[]>>;
  /** Client RSS at points of progress (big runs). */
  rssByProgress?: Partial<Record<Side, { percent: number; seconds: number; rssMb: number }[]>>;
  /** (f): interactive latency, idle and behind a saturating batch. */
  interactive?: InteractiveFigures;
  /** (g): two batches sharing one limit. */
  fairness?: FairnessFigures;
  /** (h): the same documents through realtime calls and through the Batch API. */
  batchApi?: BatchApiFigures;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverageAtStart: number[] };
  git: { commit: string; dirtySrc: string[] };
  database: string;
  settings: Record<string, unknown>;
  scenarios: ScenarioResult[];
  goals: Goal[];
  notes: string[];
}

export interface Goal {
  goal: string;
  scenario: string;
  docket: string;
  /** What Docket's figure is read against: the naive baseline's, or the floor's. */
  reference: string;
  met: boolean | undefined;
}

const MB = 1024 * 1024;

function num(value: number | undefined, digits = 1): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) return '–';
  if (b === 0) return a === 0 ? '–' : '∞';
  return `${num(a / b, 2)}×`;
}

type Row = [label: string, pick: (m: SideMetrics, side: Side) => number | undefined, digits: number];

/** Rows about the provider's requests and tokens: the floor calls no provider, so they say nothing of it. */
const PROVIDER_ROW = /provider|429|injected|Retry-After|tokens|admitted|limit/;

function rows(r: ScenarioResult): Row[] {
  const list: Row[] = [
    ['documents completed', (m) => m.completed, 0],
    ['documents per second', (m) => m.docsPerSecond, 2],
  ];
  if (r.limit !== undefined) {
    list.push([`% of theoretical limit (${num(r.limit, 2)} docs/s)`, (m) => m.percentOfLimit, 1]);
  }
  list.push(['documents per second, steady state (10th→90th percentile)', (m) => m.steadyDocsPerSecond, 2]);
  if (r.limit !== undefined) {
    const limit = r.limit;
    list.push(['% of theoretical limit, steady state', (m) => (100 * m.steadyDocsPerSecond) / limit, 1]);
  }
  if (r.faultAdjustedLimit !== undefined && r.limit !== undefined) {
    const limit = r.limit;
    list.push([
      `% of the limit net of the injected faults drawn (nominal ${num(r.faultAdjustedLimit, 2)} docs/s)`,
      (m) => (100 * m.docsPerSecond) / (limit * (1 - m.injectedFaultShare / 100)),
      1,
    ]);
  }
  list.push(
    ['makespan (s)', (m) => m.makespanSeconds, 1],
    ['first provider request (s after submission)', (m) => m.firstRequestSeconds, 2],
    ['last provider request (s after submission)', (m) => m.lastRequestSeconds, 1],
    ['provider requests per document', (m) => m.requestsPerDocument, 3],
    ['429 share, all causes (%)', (m) => m.share429, 2],
    ["429 share, provider's limiter (%)", (m) => m.shareLimiter429, 2],
    ['injected faults drawn (% of admitted requests)', (m) => m.injectedFaultShare, 2],
    ['attempts before Retry-After (from previous request)', (m) => m.earlyAttempts, 0],
    ['attempts before Retry-After (from previous answer)', (m) => m.earlyAttemptsFromAnswer, 0],
    ['document latency p50 (s)', (m) => m.latencyP50Seconds, 1],
    ['document latency p95 (s)', (m) => m.latencyP95Seconds, 1],
    ['document latency p99 (s)', (m) => m.latencyP99Seconds, 1],
    ['tokens per document (all requests sent)', (m) => m.tokensPerDocument, 1],
    ['tokens per document (billed: 200 answers)', (m) => m.billedTokensPerDocument, 1],
  );
  if (r.tokensRatioToFaultFree) {
    const ratios = r.tokensRatioToFaultFree;
    const floors = r.tokensFloorRatio ?? {};
    const billed = r.billedTokensRatioToFaultFree ?? {};
    list.push(['billed tokens per document ÷ fault-free (b) (goal ≤ 1.15)', (_, side) => billed[side], 3]);
    list.push(['tokens per document, all requests sent, ÷ fault-free (b)', (_, side) => ratios[side], 3]);
    list.push([
      'floor set by the injected faults of this draw (same ratio, limiter refusals left out)',
      (_, side) => floors[side],
      3,
    ]);
  }
  list.push(
    ['peak requests admitted in any 60 s', (m) => m.peakAdmittedPerWindow, 0],
    ['peak requests admitted in any 1 s', (m) => m.peakAdmittedPerSecond, 0],
    ['peak requests in flight at the provider', (m) => m.peakInFlight, 0],
    ['CPU s: client process (worker / baseline)', (m) => m.cpuSeconds.client, 1],
    ['CPU s: Temporal server', (m) => m.cpuSeconds.temporal, 1],
    ['CPU s: PostgreSQL backends', (m) => m.cpuSeconds.database, 1],
    ['CPU s: bench process (simulator, submission)', (m) => m.cpuSeconds.harness, 1],
    ['CPU s: total', (m) => m.cpuSeconds.total, 1],
    ['CPU ms per document', (m) => m.cpuMsPerDocument, 0],
    [
      'CPU ms per document: worker + server + database (Docket ÷ floor compares this)',
      (m) => m.engineCpuMsPerDocument,
      0,
    ],
    ['CPU utilisation of the machine (%)', (m) => m.cpuUtilisation, 0],
    ['CPU s: other processes on the machine meanwhile (not ours)', (m) => m.cpuSeconds.others, 1],
    ['peak RSS, client process (MB)', (m) => m.peakRssBytes / MB, 0],
    ['peak RSS, Temporal server (MB)', (m) => (m.peakTemporalRssBytes ?? Number.NaN) / MB, 0],
    ['batch children in flight, mean (window)', (m) => m.windowMean, 1],
    ['batch children in flight, peak (window)', (m) => m.windowPeak, 0],
    ['batch workflow history, peak events per run', (m) => m.historyPeakLength, 0],
    ['batch workflow runs (continue-as-new)', (m) => m.batchRuns, 0],
  );
  return list;
}

/** The per-scenario table: one row per figure, Docket beside the floor and the baseline, with Docket's ratio to each. */
export function scenarioTable(r: ScenarioResult): string {
  const others = (['floor', 'baseline'] as const).filter((side) => r.sides[side] || r.errors[side]);
  const head = ['figure', 'docket', ...others.flatMap((side) => [side, `docket/${side}`])];
  const lines = [`| ${head.join(' | ')} |`, `| --- |${' ---: |'.repeat(head.length - 1)}`];
  const value = (side: Side, [label, pick]: Row) => {
    const m = r.sides[side];
    if (!m || (side === 'floor' && PROVIDER_ROW.test(label))) return undefined;
    return pick(m, side);
  };
  for (const row of rows(r)) {
    const [label, , digits] = row;
    const d = value('docket', row);
    const cells = others.flatMap((side) => {
      const v = value(side, row);
      return [num(v, digits), ratio(d, v)];
    });
    lines.push(`| ${[label, num(d, digits), ...cells].join(' | ')} |`);
  }
  const outcomes = (m: SideMetrics | undefined) =>
    m
      ? Object.entries(m.outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '–';
  lines.push(
    `| ${['outcomes', outcomes(r.sides.docket), ...others.flatMap((side) => [outcomes(r.sides[side]), ''])].join(' | ')} |`,
  );
  return lines.join('\n');
}

function interactiveTable(f: InteractiveFigures, limit: number | undefined): string {
  const list = (values: number[]) => values.map((v) => num(v, 1)).join(', ');
  return [
    '| figure | value |',
    '| --- | ---: |',
    `| idle latency p50 (s) | ${num(f.idleP50, 2)} |`,
    `| latency behind the batch p50 (s) | ${num(f.loadedP50, 1)} |`,
    `| latency behind the batch, max (s) | ${num(f.loadedMax, 1)} |`,
    `| behind the batch ÷ idle (p50) | ${num(f.ratio, 1)}× |`,
    `| idle latencies (s) | ${list(f.idleSeconds)} |`,
    `| latencies behind the batch (s) | ${list(f.loadedSeconds)} |`,
    `| submitted behind the batch at (s after it) | ${list(f.loadedSubmittedAt)} |`,
    `| the batch meanwhile (docs/s) | ${num(f.batchDocsPerSecond, 2)}${limit ? ` (${num((100 * f.batchDocsPerSecond) / limit, 0)}% of the limit)` : ''} |`,
  ].join('\n');
}

function fairnessTable(f: FairnessFigures): string {
  const lines = [
    '| batch | documents | share while both ran (%) | first result (s) | makespan (s) |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  f.batches.forEach((b, i) => {
    lines.push(
      `| ${b.source} | ${b.documents} | ${num(f.sharesWhileBoth[i], 1)} | ${num(b.firstResultSeconds, 1)} | ${num(b.makespanSeconds, 1)} |`,
    );
  });
  lines.push('', `Both ran for the first ${num(f.overlapSeconds, 1)} s.`);
  return lines.join('\n');
}

function batchApiTable(h: BatchApiFigures): string {
  const lines = [
    '| mode | documents | validated | wall (s) | cost ($) | provider requests/doc | jobs | lost | duplicate results | lines paid twice |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of h.runs) {
    lines.push(
      `| ${r.mode} | ${r.documents} | ${r.validated} | ${num(r.wallSeconds, 0)} | ${num(r.costUsd, 4)} | ${num(r.requestsPerDocument, 3)} | ${r.jobs} | ${r.lost} | ${r.duplicateResults} | ${r.linesPaidTwice} |`,
    );
  }
  lines.push(
    '',
    `Batch API cost ÷ realtime cost: ${num(h.costRatio, 3)}×; documents classified differently: ${h.differingResults}.`,
  );
  return lines.join('\n');
}

function rssTable(r: ScenarioResult): string {
  const lines = ['| side | progress | seconds | client RSS (MB) |', '| --- | ---: | ---: | ---: |'];
  for (const [side, points] of Object.entries(r.rssByProgress ?? {})) {
    for (const p of points ?? []) lines.push(`| ${side} | ${p.percent}% | ${num(p.seconds, 0)} | ${num(p.rssMb, 0)} |`);
  }
  return lines.join('\n');
}

/** The whole report as Markdown. */
export function renderMarkdown(results: BenchResults): string {
  const out: string[] = [];
  out.push(`# Docket benchmark — ${results.startedAt}`, '');
  out.push(
    `\`${results.command}\` on ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGb} GB, ` +
      `Node ${results.machine.node}; load average at start ${results.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}. ` +
      `Database: ${results.database}. Commit ${results.git.commit}` +
      (results.git.dirtySrc.length > 0 ? ` with uncommitted changes in ${results.git.dirtySrc.join(', ')}.` : '.'),
    '',
  );
  out.push(
    'Docket and the baseline call the same OpenAI simulator (a fresh one per side) with the same prompt, ' +
      'response_format and zod schema. Docket runs as in production: a Temporal dev server started as `npm start` ' +
      'starts it (a database file in a temporary folder, SQLite in WAL mode with synchronous=normal, one partition ' +
      'per task queue), PostgreSQL, one `src/worker.ts` process, the batch submitted through `submitBatch`. The ' +
      "floor (engine-bound scenarios) is a minimal workflow of Docket's shape and none of its code (bench/floor/) on " +
      'an identical server of its own, so Docket ÷ floor says how far Docket is from what the engine allows. The ' +
      'baseline is a p-limit loop retrying every error after a fixed sleep (Retry-After ignored). Latency counts ' +
      'from submission to a validated result.',
    '',
  );
  if (results.goals.length > 0) {
    out.push(
      '## Goals',
      '',
      '| goal | scenario | docket | baseline or floor | docket met |',
      '| --- | --- | ---: | ---: | :---: |',
    );
    for (const g of results.goals) {
      out.push(
        `| ${g.goal} | ${g.scenario} | ${g.docket} | ${g.reference} | ${g.met === undefined ? '–' : g.met ? 'yes' : 'no'} |`,
      );
    }
    out.push('');
  }
  for (const r of results.scenarios) {
    out.push(`## ${r.title}`, '');
    const docketConcurrency = r.docketEnv['DOCKET_LLM_CONCURRENCY'] ?? 'sized by Docket from the limit and latency';
    const facts = [
      `${r.documents} documents`,
      `bound: ${r.bound}`,
      `concurrency: ${r.sides.baseline ? `baseline ${r.concurrency}, ` : ''}Docket ${docketConcurrency}`,
    ];
    if (r.tokensPerRequest !== undefined) {
      facts.push(
        `k = ${num(r.tokensPerRequest, 1)} tokens per request as the provider counts them ` +
          `(reserved at admission: ${num(r.reservedTokensPerRequest, 1)})`,
      );
    }
    facts.push(
      `Docket env: ${Object.entries(r.docketEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    out.push(facts.join('; ') + '.', '');
    for (const [side, error] of Object.entries(r.errors)) {
      out.push(`**${side} failed:** \`${(error ?? '').split('\n')[0]}\``, '');
    }
    if (Object.keys(r.sides).length > 0) out.push(scenarioTable(r), '');
    if (r.interactive) out.push(interactiveTable(r.interactive, r.limit), '');
    if (r.fairness) out.push(fairnessTable(r.fairness), '');
    if (r.batchApi) out.push(batchApiTable(r.batchApi), '');
    for (const [side, m] of Object.entries(r.sides)) {
      if (m && m.limiterRefusalsAt.length > 0) {
        out.push(
          `${side}: the provider's limiter refused requests at ${m.limiterRefusalsAt.map((t) => `${t.toFixed(1)} s`).join(', ')}` +
            `${m.limiterRefusalsAt.length === 20 ? ', …' : ''} after submission.`,
          '',
        );
      }
    }
    if (r.rssByProgress) out.push(rssTable(r), '');
  }
  if (results.notes.length > 0) {
    out.push('## Notes', '', ...results.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}

import type { RecordedRequest } from '../src/simulator/index.js';
import { documentIdOf } from './documents.js';

/** The rate window the simulator enforces rpm and tpm over (src/simulator/rate-limit.ts). */
export const RATE_WINDOW_MS = 60_000;

/** Everything one side (Docket or the baseline) produced in one scenario, as measured. */
export interface SideRun {
  side: Side;
  /** When the documents were submitted, epoch ms: latency and makespan count from here. */
  submittedAt: number;
  /** Time to accept the batch (store it, start the workflow); the baseline has none. */
  submitSeconds?: number;
  /** Completion time (epoch ms) of every document that reached a validated result. */
  doneAt: Map<string, number>;
  /** When every document had its final outcome (a result, or given up / waiting for a person), epoch ms. */
  settledAt?: number;
  /** Documents by final outcome (`completed`, `pending_review`, `paused`, `failed`, ...). */
  outcomes: Record<string, number>;
  /** What the simulator saw, in arrival order. */
  requests: RecordedRequest[];
  /** Completion tokens the provider returned, summed (Docket's ledger, the baseline's usage). */
  completionTokens: number;
  cpuSeconds: CpuSeconds;
  /** Peak resident memory in bytes, sampled during the run. */
  peakRss: { client: number; temporal?: number };
  /** Kernel high-water mark of the client process (includes start-up, e.g. bundling). */
  clientVmHwm?: number;
  /** Samples over the run: seconds since submission, client RSS, documents completed. */
  rssSeries: { t: number; rss: number; completed: number }[];
  /** Children of the batch in flight (started, not settled), sampled with the progress query. */
  window?: { peak: number; mean: number };
  /** The batch workflow's history, sampled with describe() on its current run. */
  history?: { peakLength: number; peakSizeBytes: number; runs: number; samples: number };
  /** Set when the side could not run to the end. */
  error?: string;
}

/** An empty run of one side, filled in as it goes. */
export function newSideRun(side: SideRun['side'], requests: SideRun['requests']): SideRun {
  return {
    side,
    submittedAt: 0,
    doneAt: new Map(),
    outcomes: {},
    requests,
    completionTokens: 0,
    cpuSeconds: { client: 0, harness: 0 },
    peakRss: { client: 0 },
    rssSeries: [],
  };
}

export type Side = 'docket' | 'baseline' | 'floor';

export interface CpuSeconds {
  /** The Docket worker process, the floor's worker process or the baseline process. */
  client: number;
  /** The Temporal dev server process (Docket and the floor). */
  temporal?: number;
  /** PostgreSQL backends serving this run's database (Docket only; PGlite runs inside the harness). */
  database?: number;
  /** The bench process itself: simulator, sampling, submission (and PGlite when used). */
  harness: number;
  /** Everything else the machine ran meanwhile (other users' processes): not part of the total. */
  others?: number;
}

/** The figures of one side in one scenario. */
export interface SideMetrics {
  documents: number;
  completed: number;
  outcomes: Record<string, number>;
  /** Submission until every document had its final outcome. */
  makespanSeconds: number;
  /** Completed documents per second of makespan. */
  docsPerSecond: number;
  /** Documents per second between the 10th and the 90th percentile of completions (no ramp-up, no tail). */
  steadyDocsPerSecond: number;
  /** Percentage of the scenario's theoretical limit; undefined when the scenario has none. */
  percentOfLimit?: number;
  requests: number;
  requestsPerDocument: number;
  /** Requests answered 429, any cause, as a share of all requests (%). */
  share429: number;
  /** 429s of the provider's rate limiter (not injected faults), as a share of all requests (%). */
  shareLimiter429: number;
  injected429: number;
  serverErrors: number;
  /** Injected faults as a share of the requests the provider admitted (%): this run's draw of the fault mix. */
  injectedFaultShare: number;
  /** Seconds from submission to the first and to the last provider request. */
  firstRequestSeconds: number;
  lastRequestSeconds: number;
  /** Seconds after submission of the first limiter refusals (at most 20). */
  limiterRefusalsAt: number[];
  /** Requests sent before the previous answer's Retry-After had passed, counted from the previous request's arrival. */
  earlyAttempts: number;
  /** The same, counted from when the previous answer was sent (stricter). */
  earlyAttemptsFromAnswer: number;
  latencyP50Seconds: number;
  latencyP95Seconds: number;
  latencyP99Seconds: number;
  /** Prompt tokens of every request sent plus completion tokens returned, per completed document. */
  tokensPerDocument: number;
  /** Tokens of successful (200) answers only, per completed document: what a provider bills. */
  billedTokensPerDocument: number;
  /** Tokens per document leaving out requests the provider's limiter refused: what the injected faults alone cost. */
  tokensPerDocumentWithoutRefusals: number;
  /** Mean prompt + completion tokens of a successful request (the provider's own count). */
  tokensPerSuccessfulRequest: number;
  /** Mean prompt tokens of a request. */
  promptTokensPerRequest: number;
  /** Most requests the provider admitted in any 60 s window. */
  peakAdmittedPerWindow: number;
  /** Most requests the provider admitted in any 1 s window. */
  peakAdmittedPerSecond: number;
  /** Most requests the provider was answering at once. */
  peakInFlight: number;
  cpuSeconds: CpuSeconds & { total: number };
  /** Total CPU milliseconds per completed document. */
  cpuMsPerDocument: number;
  /** CPU milliseconds per completed document of the worker, the Temporal server and the database: the engine's work,
   * without the bench process (simulator, submission, sampling). What Docket ÷ floor compares. */
  engineCpuMsPerDocument: number;
  /** CPU used as a share of the machine over the makespan (%). */
  cpuUtilisation: number;
  peakRssBytes: number;
  peakTemporalRssBytes?: number;
  historyPeakLength?: number;
  batchRuns?: number;
  windowPeak?: number;
  windowMean?: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Whether the provider's limiter turned this request away (as opposed to an injected fault or a real answer). */
export function refusedByLimiter(r: RecordedRequest): boolean {
  return r.status === 429 && r.fault === undefined;
}

/** The most items within any window of `windowMs`, over ascending times. */
/** Most requests open at once, from arrival to answer. */
function peakInFlight(requests: RecordedRequest[]): number {
  const edges = requests.flatMap((r) => [
    { at: r.receivedAt, delta: 1 },
    { at: r.finishedAt ?? r.receivedAt, delta: -1 },
  ]);
  // An answer at the same instant as an arrival frees its place first.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (open += e.delta));
  return peak;
}

function peakPerWindow(times: number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

/** Requests sent before the previous answer's Retry-After passed, per document, by both clocks. */
export function earlyAttempts(requests: RecordedRequest[]): { fromRequest: number; fromAnswer: number } {
  const last = new Map<string, RecordedRequest>();
  let fromRequest = 0;
  let fromAnswer = 0;
  for (const r of [...requests].sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq)) {
    const id = documentIdOf(r.userText);
    if (!id) continue;
    const prev = last.get(id);
    if (prev?.retryAfterMs !== undefined) {
      if (r.receivedAt - prev.receivedAt < prev.retryAfterMs) fromRequest++;
      if (r.receivedAt - (prev.finishedAt ?? prev.receivedAt) < prev.retryAfterMs) fromAnswer++;
    }
    last.set(id, r);
  }
  return { fromRequest, fromAnswer };
}

/** Computes the figures of one side; `limit` is the theoretical documents per second, if any. */
export function sideMetrics(run: SideRun, documents: number, limit: number | undefined, cores: number): SideMetrics {
  const done = [...run.doneAt.values()].sort((a, b) => a - b);
  const completed = done.length;
  const end = Math.max(done[done.length - 1] ?? run.submittedAt, run.settledAt ?? 0);
  const makespanSeconds = (end - run.submittedAt) / 1000;
  const docsPerSecond = makespanSeconds > 0 ? completed / makespanSeconds : 0;
  const p10 = done[Math.floor(completed * 0.1)];
  const p90 = done[Math.floor(completed * 0.9)];
  const steadyDocsPerSecond =
    p10 !== undefined && p90 !== undefined && p90 > p10
      ? (Math.floor(completed * 0.9) - Math.floor(completed * 0.1)) / ((p90 - p10) / 1000)
      : Number.NaN;
  const latencies = done.map((t) => (t - run.submittedAt) / 1000);
  const requests = run.requests;
  const ok = requests.filter((r) => r.status === 200);
  const promptSent = requests.reduce((n, r) => n + r.promptTokens, 0);
  const promptOk = ok.reduce((n, r) => n + r.promptTokens, 0);
  const admitted = requests.filter((r) => !refusedByLimiter(r)).map((r) => r.receivedAt);
  const early = earlyAttempts(requests);
  const count429 = requests.filter((r) => r.status === 429).length;
  const refusals = requests.filter(refusedByLimiter);
  const limiter429 = refusals.length;
  const injected = requests.filter((r) => r.fault !== undefined).length;
  const promptAdmitted = requests.filter((r) => !refusedByLimiter(r)).reduce((n, r) => n + r.promptTokens, 0);
  const cpuTotal =
    run.cpuSeconds.client + (run.cpuSeconds.temporal ?? 0) + (run.cpuSeconds.database ?? 0) + run.cpuSeconds.harness;
  const share = (n: number) => (requests.length > 0 ? (100 * n) / requests.length : 0);
  const metrics: SideMetrics = {
    documents,
    completed,
    outcomes: run.outcomes,
    makespanSeconds,
    docsPerSecond,
    steadyDocsPerSecond,
    requests: requests.length,
    requestsPerDocument: requests.length / documents,
    share429: share(count429),
    shareLimiter429: share(limiter429),
    injected429: count429 - limiter429,
    serverErrors: requests.filter((r) => (r.status ?? 0) >= 500).length,
    injectedFaultShare: admitted.length > 0 ? (100 * injected) / admitted.length : 0,
    firstRequestSeconds:
      requests.length > 0 ? ((requests[0] as RecordedRequest).receivedAt - run.submittedAt) / 1000 : Number.NaN,
    lastRequestSeconds:
      requests.length > 0
        ? ((requests[requests.length - 1] as RecordedRequest).receivedAt - run.submittedAt) / 1000
        : Number.NaN,
    limiterRefusalsAt: refusals.slice(0, 20).map((r) => (r.receivedAt - run.submittedAt) / 1000),
    earlyAttempts: early.fromRequest,
    earlyAttemptsFromAnswer: early.fromAnswer,
    latencyP50Seconds: percentile(latencies, 50),
    latencyP95Seconds: percentile(latencies, 95),
    latencyP99Seconds: percentile(latencies, 99),
    tokensPerDocument: completed > 0 ? (promptSent + run.completionTokens) / completed : Number.NaN,
    billedTokensPerDocument: completed > 0 ? (promptOk + run.completionTokens) / completed : Number.NaN,
    tokensPerDocumentWithoutRefusals: completed > 0 ? (promptAdmitted + run.completionTokens) / completed : Number.NaN,
    tokensPerSuccessfulRequest: ok.length > 0 ? (promptOk + run.completionTokens) / ok.length : Number.NaN,
    promptTokensPerRequest: requests.length > 0 ? promptSent / requests.length : Number.NaN,
    peakAdmittedPerWindow: peakPerWindow(admitted, RATE_WINDOW_MS),
    peakAdmittedPerSecond: peakPerWindow(admitted, 1000),
    peakInFlight: peakInFlight(requests),
    cpuSeconds: { ...run.cpuSeconds, total: cpuTotal },
    cpuMsPerDocument: completed > 0 ? (1000 * cpuTotal) / completed : Number.NaN,
    engineCpuMsPerDocument: completed > 0 ? (1000 * (cpuTotal - run.cpuSeconds.harness)) / completed : Number.NaN,
    cpuUtilisation: makespanSeconds > 0 ? (100 * cpuTotal) / (makespanSeconds * cores) : 0,
    peakRssBytes: run.peakRss.client,
  };
  if (limit !== undefined) metrics.percentOfLimit = (100 * docsPerSecond) / limit;
  if (run.peakRss.temporal !== undefined) metrics.peakTemporalRssBytes = run.peakRss.temporal;
  if (run.history) {
    metrics.historyPeakLength = run.history.peakLength;
    metrics.batchRuns = run.history.runs;
  }
  if (run.window) {
    metrics.windowPeak = run.window.peak;
    metrics.windowMean = run.window.mean;
  }
  return metrics;
}

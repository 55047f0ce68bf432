/**
 * `npm run bench`: Docket against a naive p-limit baseline on the OpenAI simulator, scenario by scenario.
 * Flags: see `npm run bench -- --help`. Results: bench/results/<timestamp>.{json,md} and bench/results/latest.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { installRuntime } from '../src/worker/runtime.js';
import { defaultDatabaseKind, type DatabaseKind } from '../test/helpers/database.js';
import { runBaseline } from './baseline-side.js';
import { runDocket } from './docket-side.js';
import { runFloor } from './floor/run-floor.js';
import { runBatchApiComparison } from './batch-api.js';
import { runFairness, runInteractive } from './lanes.js';
import { generateDocuments } from './documents.js';
import { sideMetrics, type Side, type SideRun } from './metrics.js';
import { renderMarkdown, type BenchResults, type Goal, type ScenarioResult } from './report.js';
import {
  buildScenarios,
  DEFAULT_DOCUMENTS,
  theoreticalLimit,
  type Scenario,
  type ScenarioKey,
  type ScenarioSettings,
} from './scenarios.js';

const HELP = `npm run bench -- [flags]

Runs scenarios (a)-(e) side by side with the naive baseline (about ten minutes on two cores), and the engine-bound
ones beside the floor: a minimal workflow of Docket's shape on the same kind of server.
  --only a,b,c,d,e,f,g,h    scenarios to run (default: a-e; f and g measure issue 18's priority lanes:
                            (f) interactive documents while a batch saturates the rpm, (g) two batches sharing it;
                            h: 2,000 documents realtime and through the Batch API, side by side)
  --large                   only the 10,000-document memory/history run (add --only to run more)
  --scale                   only the 100,000-document memory/history run (long)
  --docs N                  documents in every selected scenario
  --docs-a N ... --docs-h N, --docs-large N, --docs-scale N   ((f): the batch; (g): both batches)
  --rpm R                   provider rpm of (b), (e), (f), (g)       (default 240)
  --tpm T                   provider tpm of (c)                      (default 60000)
  --latency-ms L            provider latency of (b), (c), (e)-(g)    (default 200, uniform ±25%)
  --interactive N           interactive documents of (f), half idle  (default 10)
  --llm-concurrency C       LLM calls in flight, both sides          (default 16)
  --concurrency C           concurrency of (d)                       (default 4)
  --concurrency-latency-ms L  fixed latency of (d)                   (default 1000)
  --large-rpm R             make --large RPM-bound (default: unbound)
  --sides docket,floor,baseline
                            sides to run (default: all three; the floor runs in engine-bound scenarios only)
  --baseline-retries N      retries after the first attempt          (default 10)
  --baseline-sleep-ms N     fixed sleep between baseline attempts    (default 200; 0 = at once)
  --docket-env KEY=VALUE    extra worker setting for Docket's side, after the scenario's (repeatable),
                            e.g. --docket-env DOCKET_LLM_RPM=228 to try pacing below the provider's limit
  --db postgres|pglite      database (default: PostgreSQL at 127.0.0.1:5432 when reachable)
  --sample-ms N             CPU/RSS/history sampling period          (default 1000)
  --heap-snapshots DIR      heap snapshots of the Docket and floor workers (every thread) halfway through each
                            batch, written to DIR; they pause the worker, so the run's figures are not comparable
  --seed N                  simulator seed                           (default 1)
  --out DIR                 results folder                           (default bench/results)`;

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));
const SIDES: readonly Side[] = ['docket', 'floor', 'baseline'];
/** Children in flight of a batch, unless the scenario's Docket settings say otherwise. */
const BATCH_WINDOW = loadConfig({}).api.batchWindow;
const MAX_OUTPUT_TOKENS = loadConfig({}).llm.maxOutputTokens;
const MODEL = loadConfig({}).llm.model;

function parseFlags() {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean' },
      only: { type: 'string' },
      large: { type: 'boolean' },
      scale: { type: 'boolean' },
      docs: { type: 'string' },
      ...Object.fromEntries(Object.keys(DEFAULT_DOCUMENTS).map((k) => [`docs-${k}`, { type: 'string' as const }])),
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'latency-ms': { type: 'string' },
      'llm-concurrency': { type: 'string' },
      concurrency: { type: 'string' },
      'concurrency-latency-ms': { type: 'string' },
      'large-rpm': { type: 'string' },
      interactive: { type: 'string' },
      sides: { type: 'string' },
      'baseline-retries': { type: 'string' },
      'baseline-sleep-ms': { type: 'string' },
      db: { type: 'string' },
      'docket-env': { type: 'string', multiple: true },
      'sample-ms': { type: 'string' },
      'heap-snapshots': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const flags = values as Record<string, string | boolean | string[] | undefined>;
  const int = (name: string, fallback: number, min = 1): number => {
    const raw = flags[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return value;
  };
  const keys = Object.keys(DEFAULT_DOCUMENTS) as ScenarioKey[];
  const documents = Object.fromEntries(
    keys.map((k) => [k, int(`docs-${k}`, int('docs', DEFAULT_DOCUMENTS[k]))]),
  ) as Record<ScenarioKey, number>;
  const largeRpm = flags['large-rpm'] === undefined ? undefined : int('large-rpm', 1);
  const settings: ScenarioSettings = {
    documents,
    rpm: int('rpm', 240),
    tpm: int('tpm', 60_000),
    latencyMs: int('latency-ms', 200, 0),
    llmConcurrency: int('llm-concurrency', 16),
    concurrency: int('concurrency', 4),
    concurrencyLatencyMs: int('concurrency-latency-ms', 1000),
    ...(largeRpm ? { largeRpm } : {}),
    interactive: int('interactive', 10, 2),
    seed: int('seed', 1, 0),
  };
  const selected: ScenarioKey[] = [];
  const only = typeof flags['only'] === 'string' ? flags['only'].split(',').map((s) => s.trim()) : [];
  for (const key of only) {
    if (!keys.includes(key as ScenarioKey)) throw new Error(`--only: unknown scenario "${key}"`);
    selected.push(key as ScenarioKey);
  }
  if (flags['large']) selected.push('large');
  if (flags['scale']) selected.push('scale');
  if (selected.length === 0) selected.push('a', 'b', 'c', 'd', 'e');
  const sides = (typeof flags['sides'] === 'string' ? flags['sides'] : 'docket,floor,baseline').split(',') as Side[];
  for (const side of sides) {
    if (!SIDES.includes(side)) throw new Error(`--sides: unknown side "${side}"`);
  }
  const docketEnv: Record<string, string> = {};
  for (const pair of (flags['docket-env'] as string[] | undefined) ?? []) {
    const match = /^(DOCKET_[A-Z0-9_]+)=(.*)$/.exec(pair);
    if (!match) throw new Error(`--docket-env takes DOCKET_NAME=value, got "${pair}"`);
    docketEnv[match[1] as string] = match[2] as string;
  }
  const db = flags['db'];
  if (db !== undefined && db !== 'postgres' && db !== 'pglite') throw new Error('--db must be postgres or pglite');
  return {
    settings,
    selected: [...new Set(selected)],
    sides,
    db: db as DatabaseKind | undefined,
    docketEnv,
    baselineRetries: int('baseline-retries', 10, 0),
    baselineSleepMs: int('baseline-sleep-ms', 200, 0),
    sampleMs: int('sample-ms', 1000, 50),
    heapSnapshots: typeof flags['heap-snapshots'] === 'string' ? flags['heap-snapshots'] : undefined,
    out: typeof flags['out'] === 'string' ? flags['out'] : RESULTS_DIR,
  };
}

function log(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** Client RSS when the run first reached each tenth of the documents. */
function rssByProgress(run: SideRun, documents: number) {
  const points: { percent: number; seconds: number; rssMb: number }[] = [];
  for (let percent = 10; percent <= 100; percent += 10) {
    const sample = run.rssSeries.find((s) => s.completed >= (documents * percent) / 100);
    if (sample) points.push({ percent, seconds: sample.t, rssMb: sample.rss / 1024 / 1024 });
  }
  return points;
}

/** At most `max` evenly spaced items, for the JSON. */
function thin<T>(items: T[], max = 200): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T);
}

/** (f), (g) or (h): Docket alone, measured by bench/lanes.ts or bench/batch-api.ts. */
async function runLaneScenario(
  scenario: Scenario & { lane: 'interactive' | 'fairness' | 'batch_api' },
  options: ReturnType<typeof parseFlags>,
  database: DatabaseKind,
): Promise<ScenarioResult> {
  const docketEnv = { ...scenario.docketEnv, ...options.docketEnv };
  const result: ScenarioResult = {
    key: scenario.key,
    title: scenario.title,
    bound: scenario.bound,
    documents: scenario.documents,
    concurrency: scenario.concurrency,
    docketEnv,
    simulator: scenario.simulator as Record<string, unknown>,
    sides: {},
    errors: {},
  };
  const limit = theoreticalLimit(scenario, undefined);
  if (limit !== undefined) result.limit = limit;
  const lane = {
    batch: generateDocuments(scenario.key, scenario.documents, options.settings.seed),
    simulator: scenario.simulator,
    env: docketEnv,
    database,
    sampleMs: options.sampleMs,
    timeoutMs: Math.max(600_000, (scenario.documents / (limit ?? 4)) * 5000),
    log,
  };
  try {
    if (scenario.lane === 'interactive') {
      const interactive = generateDocuments(
        `${scenario.key}-interactive`,
        options.settings.interactive,
        options.settings.seed + 1,
      );
      // The first loaded one once the batch's window has filled the LLM queue; the rest spread over its backlog.
      result.interactive = await runInteractive({ ...lane, interactive, firstMs: 15_000, everyMs: 8_000 });
    } else if (scenario.lane === 'batch_api') {
      result.batchApi = await runBatchApiComparison(lane);
    } else {
      result.fairness = await runFairness(lane);
    }
  } catch (err) {
    result.errors.docket = (err as Error).message;
    console.error(err);
  }
  return result;
}

async function runScenario(
  scenario: Scenario,
  options: ReturnType<typeof parseFlags>,
  database: DatabaseKind,
): Promise<ScenarioResult> {
  log(`${scenario.title} — ${scenario.documents} documents`);
  if (scenario.lane) return runLaneScenario({ ...scenario, lane: scenario.lane }, options, database);
  const documents = generateDocuments(scenario.key, scenario.documents, options.settings.seed);
  const roughLimit = theoreticalLimit(scenario, 350) ?? 15;
  const timeoutMs = Math.max(600_000, (scenario.documents / roughLimit) * 5000);
  const runs: Partial<Record<Side, SideRun>> = {};
  const docketEnv = { ...scenario.docketEnv, ...options.docketEnv };
  for (const side of options.sides) {
    if (side === 'floor' && !scenario.floor) continue;
    const started = Date.now();
    runs[side] =
      side === 'docket'
        ? await runDocket({
            documents,
            simulator: scenario.simulator,
            env: docketEnv,
            database,
            sampleMs: options.sampleMs,
            timeoutMs,
            log,
            ...(options.heapSnapshots ? { heapSnapshots: join(options.heapSnapshots, scenario.key, side) } : {}),
          })
        : side === 'floor'
          ? await runFloor({
              documents: scenario.documents,
              window: Number(docketEnv['DOCKET_BATCH_WINDOW'] ?? BATCH_WINDOW),
              llmConcurrency: scenario.concurrency,
              sampleMs: options.sampleMs,
              timeoutMs,
              log,
              ...(options.heapSnapshots ? { heapSnapshots: join(options.heapSnapshots, scenario.key, side) } : {}),
            })
          : await runBaseline({
              documents,
              simulator: scenario.simulator,
              model: MODEL,
              concurrency: scenario.concurrency,
              retries: options.baselineRetries,
              sleepMs: options.baselineSleepMs,
              maxOutputTokens: MAX_OUTPUT_TOKENS,
              timeoutMs: 60_000,
              sampleMs: options.sampleMs,
              log,
            });
    const run = runs[side];
    log(
      `  ${side}: ${run?.error ? `FAILED ${run.error.split('\n')[0]}` : `${run?.doneAt.size} completed`} ` +
        `in ${((Date.now() - started) / 1000).toFixed(0)} s wall (including start-up)`,
    );
  }
  // k: the provider's own count of a successful request (prompt + completion), averaged over the sides that ran.
  const answered = Object.values(runs)
    .filter((run): run is SideRun => !!run && !run.error)
    .map((run) => {
      const ok = run.requests.filter((r) => r.status === 200);
      return { count: ok.length, prompt: ok.reduce((n, r) => n + r.promptTokens, 0), completion: run.completionTokens };
    })
    .filter((a) => a.count > 0);
  const mean = (values: number[]) =>
    values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
  const tokensPerRequest = mean(answered.map((a) => (a.prompt + a.completion) / a.count));
  const promptPerRequest = mean(answered.map((a) => a.prompt / a.count));
  const limit = theoreticalLimit(scenario, tokensPerRequest);
  const result: ScenarioResult = {
    key: scenario.key,
    title: scenario.title,
    bound: scenario.bound,
    documents: scenario.documents,
    concurrency: scenario.concurrency,
    docketEnv,
    simulator: scenario.simulator as Record<string, unknown>,
    sides: {},
    errors: {},
  };
  if (limit !== undefined) result.limit = limit;
  if (scenario.injectedFaultShare > 0 && limit !== undefined) {
    result.faultAdjustedLimit = limit * (1 - scenario.injectedFaultShare);
  }
  if (scenario.limits.tpm !== undefined && tokensPerRequest !== undefined && promptPerRequest !== undefined) {
    result.tokensPerRequest = tokensPerRequest;
    result.reservedTokensPerRequest = promptPerRequest + MAX_OUTPUT_TOKENS;
  }
  for (const side of options.sides) {
    const run = runs[side];
    if (!run) continue;
    if (run.error) {
      result.errors[side] = run.error;
      console.error(run.error);
      continue;
    }
    result.sides[side] = sideMetrics(run, scenario.documents, limit, os.cpus().length);
    result.rssSeries = { ...result.rssSeries, [side]: thin(run.rssSeries) };
    if (scenario.big) {
      result.rssByProgress = { ...result.rssByProgress, [side]: rssByProgress(run, scenario.documents) };
    }
  }
  return result;
}

function goals(results: ScenarioResult[]): Goal[] {
  const by = (key: ScenarioKey) => results.find((r) => r.key === key);
  const list: Goal[] = [];
  const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(1)}%`);
  for (const key of ['b', 'c', 'd'] as const) {
    const r = by(key);
    if (!r) continue;
    const d = r.sides.docket?.percentOfLimit;
    const steady = r.sides.docket && r.limit ? (100 * r.sides.docket.steadyDocsPerSecond) / r.limit : undefined;
    list.push({
      goal: '≥ 90% of the theoretical limit',
      scenario: `(${key}) ${r.bound}`,
      docket: `${pct(d)} (steady ${pct(steady)})`,
      reference: pct(r.sides.baseline?.percentOfLimit),
      met: d === undefined ? undefined : d >= 90,
    });
  }
  const e = by('e');
  if (e?.limit !== undefined) {
    const limit = e.limit;
    const adjusted = (side: Side) => {
      const m = e.sides[side];
      return m ? (100 * m.docsPerSecond) / (limit * (1 - m.injectedFaultShare / 100)) : undefined;
    };
    const d = adjusted('docket');
    list.push({
      goal: '≥ 90% of the limit net of the injected faults drawn',
      scenario: '(e) rpm + 14% faults',
      docket: pct(d),
      reference: pct(adjusted('baseline')),
      met: d === undefined ? undefined : d >= 90,
    });
  }
  list.push(...floorGoals(results), ...laneGoals(results));
  const early = (side: Side) =>
    results.reduce((n, r) => n + (r.sides[side]?.earlyAttempts ?? 0), 0) +
    ` (${results.reduce((n, r) => n + (r.sides[side]?.earlyAttemptsFromAnswer ?? 0), 0)} from answer)`;
  if (results.some((r) => r.sides.docket)) {
    list.push({
      goal: 'zero attempts before Retry-After',
      scenario: 'all run',
      docket: early('docket'),
      reference: early('baseline'),
      met: results.every((r) => !r.sides.docket || r.sides.docket.earlyAttempts === 0),
    });
  }
  for (const r of results) {
    if (!['a', 'b', 'c', 'd', 'e', 'large', 'scale'].includes(r.key) || !r.sides.docket) continue;
    const d = r.sides.docket.shareLimiter429;
    list.push({
      goal: r.key === 'e' ? "< 1% 429s from the provider's limiter (injected excluded)" : '< 1% 429s (none injected)',
      scenario: `(${r.key})`,
      docket: `${d.toFixed(2)}%`,
      reference: r.sides.baseline ? `${r.sides.baseline.shareLimiter429.toFixed(2)}%` : '–',
      met: d < 1,
    });
  }
  if (e?.tokensRatioToFaultFree) {
    const x3 = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(3)}×`);
    const billed = e.billedTokensRatioToFaultFree ?? {};
    list.push({
      goal: 'tokens/doc under the fault mix ≤ 1.15× fault-free (billed: answered requests)',
      scenario: '(e) ÷ (b)',
      docket: x3(billed.docket),
      reference: x3(billed.baseline),
      met: billed.docket === undefined ? undefined : billed.docket <= 1.15,
    });
    const sent = e.tokensRatioToFaultFree;
    const floor = e.tokensFloorRatio ?? {};
    list.push({
      goal: 'the same, counting the prompts of every request sent (floor: the injected faults drawn)',
      scenario: '(e) ÷ (b)',
      docket: `${x3(sent.docket)} (floor ${x3(floor.docket)})`,
      reference: `${x3(sent.baseline)} (floor ${x3(floor.baseline)})`,
      met: undefined,
    });
  }
  return list;
}

/** Issue 18's goals against the floor measured in the same run: throughput, CPU per document, worker memory. */
function floorGoals(results: ScenarioResult[]): Goal[] {
  const list: Goal[] = [];
  const x = (v: number) => `${v.toFixed(2)}×`;
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  for (const r of results) {
    const docket = r.sides.docket;
    const floor = r.sides.floor;
    if (!docket || !floor) continue;
    const speed = docket.docsPerSecond / floor.docsPerSecond;
    const cpu = docket.engineCpuMsPerDocument / floor.engineCpuMsPerDocument;
    list.push(
      {
        goal: "≥ 0.8× the floor's documents per second",
        scenario: `(${r.key})`,
        docket: `${docket.docsPerSecond.toFixed(1)}/s = ${x(speed)}`,
        reference: `floor ${floor.docsPerSecond.toFixed(1)}/s`,
        met: speed >= 0.8,
      },
      {
        goal: "≤ 1.25× the floor's CPU per document (worker + server + database)",
        scenario: `(${r.key})`,
        docket: `${docket.engineCpuMsPerDocument.toFixed(0)} ms = ${x(cpu)}`,
        reference: `floor ${floor.engineCpuMsPerDocument.toFixed(0)} ms`,
        met: cpu <= 1.25,
      },
      {
        goal: 'worker peak RSS ≤ 400 MB',
        scenario: `(${r.key})`,
        docket: mb(docket.peakRssBytes),
        reference: `floor ${mb(floor.peakRssBytes)}`,
        met: docket.peakRssBytes <= 400 * 2 ** 20,
      },
    );
  }
  return list;
}

/** Issue 18's goals for the priority lanes: (f) interactive latency behind a batch, (g) two batches' shares. */
function laneGoals(results: ScenarioResult[]): Goal[] {
  const list: Goal[] = [];
  const f = results.find((r) => r.key === 'f')?.interactive;
  if (f) {
    list.push({
      goal: 'an interactive document behind a batch that saturates the limit: ≤ 2× its idle latency (p50)',
      scenario: '(f)',
      docket: `${f.loadedP50.toFixed(1)} s = ${f.ratio.toFixed(1)}×`,
      reference: `idle ${f.idleP50.toFixed(2)} s`,
      met: f.ratio <= 2,
    });
  }
  const h = results.find((r) => r.key === 'h')?.batchApi;
  if (h) {
    const [realtime, batchApi] = h.runs;
    const faults = h.runs.reduce((n, r) => n + r.lost + r.duplicateResults + r.linesPaidTwice, 0);
    list.push(
      {
        goal: 'the Batch API costs ≤ 0.52× realtime, with equal validated results',
        scenario: '(h)',
        docket: `${h.costRatio.toFixed(3)}×, ${h.differingResults} differing`,
        reference: `realtime $${realtime?.costUsd.toFixed(4)}, Batch API $${batchApi?.costUsd.toFixed(4)}`,
        met: h.costRatio <= 0.52 && h.differingResults === 0 && realtime?.validated === batchApi?.validated,
      },
      {
        goal: 'documents lost, duplicate result rows, lines paid twice: 0',
        scenario: '(h)',
        docket: String(faults),
        reference: `provider requests/doc: realtime ${realtime?.requestsPerDocument.toFixed(3)}, Batch API ${batchApi?.requestsPerDocument.toFixed(3)}`,
        met: faults === 0,
      },
    );
  }
  const g = results.find((r) => r.key === 'g')?.fairness;
  if (g) {
    list.push({
      goal: 'two batches submitted together share the limit about evenly (40–60% each while both run)',
      scenario: '(g)',
      docket: g.sharesWhileBoth.map((share) => `${share.toFixed(0)}%`).join(' / '),
      reference: `makespans ${g.batches.map((b) => `${b.makespanSeconds.toFixed(0)} s`).join(' / ')}`,
      met: g.sharesWhileBoth.every((share) => share >= 40 && share <= 60),
    });
  }
  return list;
}

async function main(): Promise<void> {
  const options = parseFlags();
  installRuntime('silent');
  const database = options.db ?? (await defaultDatabaseKind());
  const scenarios = buildScenarios(options.settings);
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg();
  log(
    `scenarios ${options.selected.join(', ')}; sides ${options.sides.join(', ')}; database ${database}; ` +
      `${os.cpus().length} CPUs, load ${loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const results: ScenarioResult[] = [];
  for (const key of options.selected) {
    results.push(await runScenario(scenarios[key], options, database));
  }
  const b = results.find((r) => r.key === 'b');
  const e = results.find((r) => r.key === 'e');
  if (b && e) {
    e.tokensRatioToFaultFree = {};
    e.billedTokensRatioToFaultFree = {};
    e.tokensFloorRatio = {};
    for (const side of options.sides) {
      const faulty = e.sides[side];
      const clean = b.sides[side];
      if (!faulty || !clean) continue;
      e.tokensRatioToFaultFree[side] = faulty.tokensPerDocument / clean.tokensPerDocument;
      e.billedTokensRatioToFaultFree[side] = faulty.billedTokensPerDocument / clean.billedTokensPerDocument;
      e.tokensFloorRatio[side] = faulty.tokensPerDocumentWithoutRefusals / clean.billedTokensPerDocument;
    }
  }
  const dirtySrc = git(['status', '--porcelain', '--', 'src'])
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3));
  const bench: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      loadAverageAtStart,
    },
    git: { commit: git(['rev-parse', '--short', 'HEAD']), dirtySrc },
    database: database === 'postgres' ? 'PostgreSQL 127.0.0.1:5432 (fresh database per run)' : 'PGlite (in-process)',
    settings: {
      ...options.settings,
      baselineRetries: options.baselineRetries,
      baselineSleepMs: options.baselineSleepMs,
      sampleMs: options.sampleMs,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      model: MODEL,
    },
    scenarios: results,
    goals: goals(results),
    notes: [
      ...(options.heapSnapshots
        ? [
            `Heap snapshots were taken halfway through each batch (--heap-snapshots ${options.heapSnapshots}): they ` +
              'paused the workers, so the throughput and CPU figures of this run are not comparable to others.',
          ]
        : []),
      'Theoretical limit = min(R/60, T/(60·k), C/L) documents per second, k measured as the provider counts a ' +
        'successful request (prompt + completion tokens). The simulator enforces rpm and tpm over a sliding 60 s ' +
        'window and admits a request against tpm at prompt + max_completion_tokens, trued up once answered.',
      'The provider window is a sliding minute and (b), (c), (e) last about 1.25 windows (longer runs: --docs-b ' +
        'etc.). A client that bursts gets the empty first window’s whole quota at once: the baseline completes about ' +
        'R documents in seconds, then gives up on the rest, so its documents per second and % of limit are not a ' +
        'sustainable rate. The fair comparison is “peak requests admitted in any 60 s” (both reach R) and the documents ' +
        'completed.',
      'Makespan runs from submission until every document has its final outcome (a result, or given up by the ' +
        'baseline); documents per second counts completed documents only. The steady-state rate leaves out the ' +
        'ramp-up and the tail (between the 10th and the 90th percentile of completion times).',
      '"Attempts before Retry-After": consecutive requests for the same document where next.receivedAt − ' +
        'prev.receivedAt < prev.retryAfterMs; "from previous answer" measures from when the 429 was sent instead.',
      'Tokens per document (all requests sent) = prompt tokens of every request + completion tokens returned, per ' +
        'completed document; "billed" counts only 200 answers, which is what providers charge for (a 429 or 5xx is ' +
        'not billed). The tokens goal is read on billed tokens: counted on every request sent, a fault share f forces ' +
        'at least 1/(1−f) of the fault-free tokens on any client (1.163× for the 14% injected), so the row ' +
        '"floor" shows that bound for the faults actually drawn, and the distance to it is what retries added.',
      'Docket runs (b), (c) and (e) without DOCKET_LLM_CONCURRENCY: it sizes its LLM calls in flight from the limit ' +
        'and the latency it observes; "peak requests in flight at the provider" shows what that came to.',
      'Docket ÷ floor: documents per second, and CPU per document of the worker, the Temporal server and the ' +
        'PostgreSQL backends (the bench process left out: it runs the simulator, which the floor does not call). Each ' +
        'side has a server of its own, started by the same function with the same flags, so that neither inherits ' +
        "the other's history. The floor's activities do nothing and its payloads are not encrypted: it is what the " +
        "engine costs for Docket's shape of workflow, and nothing else.",
      'Batch children in flight: sampled from the server (visibility: the batch’s children still running and ' +
        '`classifying`), not from the batch’s progress query, which counts a group of children as started only once ' +
        'the whole group has started while the group’s first children already finish and signal.',
      '(f): interactive documents go through `submitDocument` (what `POST /v1/documents` calls), latency from the ' +
        'call to the stored result; half one after the other on the idle Docket, half while a batch saturates the ' +
        'limit (from 15 s after it, one every 8 s, when its window has filled the LLM task queue). (g): two batches of ' +
        'half the documents each, metadata `source` a and b, submitted at the same moment; each one’s share of the ' +
        'documents completed until the first of them finished.',
      'CPU: /proc/<pid>/stat of the worker or baseline process, the Temporal dev server, and the PostgreSQL ' +
        'backends connected to the run’s database; the bench process (simulator, submission, sampling) apart. ' +
        'RSS sampled every ' +
        `${options.sampleMs} ms from /proc/<pid>/status.`,
    ],
  };
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  mkdirSync(options.out, { recursive: true });
  writeFileSync(`${options.out}/${stamp}.json`, JSON.stringify(bench, null, 2));
  const markdown = renderMarkdown(bench);
  writeFileSync(`${options.out}/${stamp}.md`, markdown);
  writeFileSync(`${options.out}/latest.md`, markdown);
  console.log(`\n${markdown}`);
  log(`results: ${options.out}/${stamp}.json, ${stamp}.md, latest.md`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

/**
 * `npm run chaos`: the fault campaign of issue 13 as a seeded, bounded command. Flags: `npm run chaos -- --help`.
 * Results: bench/results/chaos-<timestamp>.{json,md} and bench/results/chaos-latest.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../../src/simulator/prng.js';
import { badInputCorpus, sendBadInput, type BadInputOutcome } from './bad-input.js';
import { markerLeaks } from './checks.js';
import { CHAOS_TOKENS, startCluster, type ChaosCluster } from './cluster.js';
import { planEvents, runEvent, startSupervised, type EventRecord } from './events.js';
import { viewDocuments, waitToSettle } from './facts.js';
import { measure } from './measure.js';
import { HELP, parseChaosOptions, type ChaosOptions } from './options.js';
import { renderChaosMarkdown, type ChaosResults } from './report.js';
import { planSubmissions, submit, type SubmissionRecord } from './submissions.js';

const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Restarts a process that died by itself, as a supervisor would, and says so. */
function supervise(cluster: ChaosCluster): void {
  for (const process of [cluster.api, ...cluster.workers]) {
    process.onUnexpectedExit = (code, signal) => {
      log(`${process.name} exited by itself (${code ?? signal}); restarting it`);
      startSupervised(process, log).catch((err: unknown) => log(`${process.name}: ${(err as Error).message}`));
    };
  }
}

/** The infrastructure fault in force now, if any, so that an API answer can be read against it. */
function faultInForce(cluster: ChaosCluster): string | undefined {
  if (cluster.proxy.isCut) return 'database-outage';
  if (!cluster.temporalRunning) return 'temporal-down';
  return undefined;
}

/** The fault phase: submissions on their schedule, the events on theirs; resolves when both are done. */
async function faultPhase(cluster: ChaosCluster, options: ChaosOptions, marker: string) {
  const prng = new Prng(options.seed);
  const submissions = planSubmissions({
    count: options.documents,
    seed: options.seed,
    marker,
    durationMs: options.durationMs,
    batchShare: options.batchShare,
    batchSize: 10,
    prng,
  });
  const events = planEvents(options.events, options.durationMs, options.workers, prng);
  const records = new Map<string, SubmissionRecord>();
  let badInput: BadInputOutcome = { requests: 0, statuses: {}, serverErrors: [], unanswered: [], resumes: [] };
  const sendCorpus = async (spreadMs: number) => {
    const doc = (await (await fetch(`${cluster.apiUrl}/openapi.json`)).json()) as Parameters<typeof badInputCorpus>[0];
    const corpus = badInputCorpus(doc, {
      marker,
      adminToken: CHAOS_TOKENS.admin,
      perRoute: options.badInputPerRoute,
      prng: new Prng(options.seed + 1),
    });
    badInput = await sendBadInput(cluster.apiUrl, corpus, spreadMs);
  };
  const started = Date.now();
  const deadline = started + options.durationMs + 60_000;
  const submitted = submissions.map(async (s) => {
    await sleep(s.at);
    await submit(cluster.apiUrl, CHAOS_TOKENS.submitter, s, deadline, records, () => faultInForce(cluster));
  });
  const ran = events.map(async (event): Promise<EventRecord & { atSeconds: number }> => {
    await sleep(event.at);
    const record = await runEvent(event, cluster, sendCorpus, log).catch((err: unknown): EventRecord => ({
      ...event,
      startedAt: Date.now(),
      note: `failed: ${(err as Error).message}`,
    }));
    return { ...record, atSeconds: (record.startedAt - started) / 1000 };
  });
  const progress = setInterval(() => {
    const accepted = [...records.values()].filter((r) => r.accepted).length;
    log(`  ${accepted}/${options.documents} accepted, ${cluster.sim.requests.length} provider requests`);
  }, 15_000);
  const eventRecords = await Promise.all(ran);
  await sleep(Math.max(0, started + options.durationMs - Date.now()));
  log('fault phase over: faults off, every outage ended');
  cluster.sim.setProfile({ faultRates: {} });
  cluster.sim.endOutage();
  cluster.proxy.restore();
  if (!cluster.temporalRunning) await cluster.startTemporal();
  await Promise.all(submitted);
  clearInterval(progress);
  return { submissions, records, events: eventRecords, badInput, startedAt: started };
}

async function main(): Promise<void> {
  const parsed = parseChaosOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(HELP);
    return;
  }
  const options = parsed;
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg();
  // The same seed, the same marker: it never appears in an id, only in document text and metadata.
  const marker = `ZQXMARK${options.seed.toString(36)}QXZ`;
  log(`chaos: ${options.documents} documents over ${options.durationMs / 1000} s, seed ${options.seed}`);
  const cluster = await startCluster({
    database: options.database,
    simulator: { faultRates: options.faultRates, seed: options.seed, latencyMs: { min: 50, max: 250 } },
    workers: options.workers,
    // Hangs end at the client's timeout; the reconciler looks for owed starts every two seconds.
    env: { DOCKET_LLM_TIMEOUT_MS: '5000', DOCKET_RECONCILE_INTERVAL: '2s' },
    log,
  });
  // Interrupted, it still stops what it started: no worker, API or Temporal server outlives the campaign.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping every process`);
      // Ctrl-C reaches the children too: their exits are no longer a supervisor's business.
      for (const child of [cluster.api, ...cluster.workers]) delete child.onUnexpectedExit;
      void cluster.stop().finally(() => process.exit(130));
    });
  }
  let results: ChaosResults | undefined;
  try {
    supervise(cluster);
    const phase = await faultPhase(cluster, options, marker);
    const accepted = [...phase.records].filter(([, r]) => r.accepted).map(([id]) => id);
    log(`${accepted.length} of ${options.documents} documents accepted; reading their statuses`);
    const atEnd = await viewDocuments(cluster, accepted);
    const operatorActedAt = Date.now();
    log('the operator resumes every paused document; settling');
    await fetch(`${cluster.apiUrl}/v1/resume`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHAOS_TOKENS.admin}` },
    }).catch(() => undefined);
    const settle = await waitToSettle(cluster, options.settleMs, log);
    results = await measure({
      cluster,
      options,
      phase,
      atEnd,
      operatorActedAt,
      settle,
      run: {
        startedAt: startedAt.toISOString(),
        command: ['npm run chaos', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
        commit: git(['rev-parse', '--short', 'HEAD']),
        machine: { cpus: os.cpus().length, loadAverageAtStart },
      },
    });
  } finally {
    log('stopping every process');
    await cluster.stop();
  }
  // Byte for byte (latin1): the marker is ASCII, and the Temporal database file is binary.
  const logs = cluster
    .logFiles()
    .map(({ process, file }) => ({ process, text: existsSync(file) ? readFileSync(file, 'latin1') : '' }));
  results.markerLeaks = markerLeaks(logs, [marker]);
  const out = options.out ?? RESULTS_DIR;
  mkdirSync(out, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const markdown = renderChaosMarkdown(results);
  writeFileSync(join(out, `chaos-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(out, `chaos-${stamp}.md`), markdown);
  writeFileSync(join(out, 'chaos-latest.md'), markdown);
  console.log(`\n${markdown}`);
  log(`results: ${join(out, `chaos-${stamp}.md`)} (and .json, chaos-latest.md); process logs in ${cluster.runDir}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

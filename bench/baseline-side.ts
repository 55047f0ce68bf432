import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startSimulator, type SimulatorProfile } from '../src/simulator/index.js';
import type { BaselineReport, BaselineRequest } from './baseline.js';
import type { SideRun } from './metrics.js';
import { newSideRun } from './metrics.js';
import { CpuTracker, machineBusySeconds, processMemory } from './proc.js';

const BASELINE_ENTRY = fileURLToPath(new URL('./baseline.ts', import.meta.url));

/** What the baseline process is sent (less the simulator's URL, made here), and how to run and watch it. */
export interface BaselineSideOptions extends Omit<BaselineRequest, 'baseUrl'> {
  simulator: Partial<SimulatorProfile>;
  sampleMs: number;
  log: (line: string) => void;
}

/** Runs the naive baseline (bench/baseline.ts) in its own process against a fresh simulator. */
export async function runBaseline(options: BaselineSideOptions): Promise<SideRun> {
  const sim = await startSimulator({ profile: options.simulator });
  const child = fork(BASELINE_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const run: SideRun = newSideRun('baseline', sim.requests);
  let sampler: NodeJS.Timeout | undefined;
  try {
    const [ready] = (await once(child, 'message')) as [unknown];
    if (ready !== 'ready') throw new Error('the baseline did not start');
    const pid = child.pid as number;
    const cpu = new CpuTracker();
    let lastLog = Date.now();
    const sample = () => {
      cpu.sample([pid]);
      const memory = processMemory(pid);
      if (!memory || run.submittedAt === 0) return;
      run.peakRss.client = Math.max(run.peakRss.client, memory.rss);
      const completed = sim.requests.filter((r) => r.status === 200).length;
      run.rssSeries.push({ t: (Date.now() - run.submittedAt) / 1000, rss: memory.rss, completed });
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        options.log(`  baseline: ${completed}/${options.documents.length} answered, ${sim.requests.length} requests`);
      }
    };
    sample();
    const harnessBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    run.submittedAt = Date.now();
    const request: BaselineRequest = {
      baseUrl: sim.baseUrl,
      documents: options.documents,
      model: options.model,
      concurrency: options.concurrency,
      retries: options.retries,
      sleepMs: options.sleepMs,
      maxOutputTokens: options.maxOutputTokens,
      timeoutMs: options.timeoutMs,
    };
    child.send(request);
    sampler = setInterval(sample, options.sampleMs);
    const [report] = (await once(child, 'message')) as [BaselineReport];
    clearInterval(sampler);
    sampler = undefined;
    sample();
    const harness = process.cpuUsage(harnessBefore);
    run.clientVmHwm = processMemory(pid)?.peakRss ?? report.peakRssBytes;
    const client = cpu.seconds();
    const harnessSeconds = (harness.user + harness.system) / 1e6;
    const others = Math.max(0, machineBusySeconds() - machineBefore - client - harnessSeconds);
    run.cpuSeconds = { client, harness: harnessSeconds, others };
    // The child's own clock starts after it has parsed the documents; latency counts from the hand-over.
    run.outcomes = { completed: 0, failed: 0 };
    run.settledAt = run.submittedAt;
    for (const [id, doneAt, , completionTokens, endedAt] of report.documents) {
      run.completionTokens += completionTokens;
      run.settledAt = Math.max(run.settledAt, endedAt);
      if (doneAt === null) run.outcomes['failed'] = (run.outcomes['failed'] ?? 0) + 1;
      else {
        run.outcomes['completed'] = (run.outcomes['completed'] ?? 0) + 1;
        run.doneAt.set(id, doneAt);
      }
    }
  } catch (err) {
    run.error = (err as Error).message;
  } finally {
    if (sampler) clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await sim.close();
  }
  return run;
}

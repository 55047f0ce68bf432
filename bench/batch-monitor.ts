import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../src/shared/names.js';
import { DOCUMENT_STATUS } from '../src/shared/status.js';
import type { SideRun } from './metrics.js';
import { CpuTracker, processMemory } from './proc.js';

/** What a monitor watches: one side's processes, and its batch once submitted. */
export interface BatchMonitorOptions {
  client: Client;
  /** `docket` or `floor`, for the progress line. */
  label: string;
  total: number;
  workerPid: number;
  temporalPids: number[];
  /** The workflow type of the batch's children. */
  childWorkflowType: string;
  /** Documents completed so far (read beside the sampling, never blocking it). */
  completed: () => Promise<number>;
  /** PostgreSQL backends serving the run's database, when it has any. */
  databasePids?: () => Promise<number[]>;
  sampleMs: number;
  log: (line: string) => void;
  /** Asks the worker for heap snapshots once half the documents are completed (bench/heap/snapshot-hook.cjs). */
  heapSnapshots?: { dir: string; label: string };
}

/**
 * Samples one side while its batch runs: CPU of the worker, the Temporal server and the database, memory, the batch
 * workflow's history, and the batch's children in flight.
 *
 * Children in flight are counted by the server (visibility: the batch's children still running and `classifying`),
 * not read from the batch's progress query: the batch counts a group of children as started only once the whole
 * group has started, while children of the group already finish and signal it, so `started − settled` read from
 * outside runs negative whenever the engine is faster than the starts (the engine-bound runs, which also continue as
 * new; issue 18, item 7).
 */
export class BatchMonitor {
  private readonly cpu = { client: new CpuTracker(), temporal: new CpuTracker(), database: new CpuTracker() };
  private readonly history = { peakLength: 0, peakSizeBytes: 0, runs: 0, samples: 0 };
  private readonly window = { peak: 0, sum: 0, samples: 0 };
  private databasePids: number[] = [];
  private completed = 0;
  private batch: { id: string; workflowId: string } | undefined;
  private reading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastLog = Date.now();

  constructor(
    private readonly run: SideRun,
    private readonly options: BatchMonitorOptions,
  ) {}

  /** Takes the first sample (CPU counts from here). */
  async begin(): Promise<void> {
    await this.read();
    this.sampleProcesses();
  }

  /** Watches the batch from now on, sampling every `sampleMs`. */
  watch(batchId: string, workflowId: string): void {
    this.batch = { id: batchId, workflowId };
    this.timer = setInterval(() => this.tick(), this.options.sampleMs);
  }

  /** Stops sampling, takes the last sample and writes CPU, window and history into the run. */
  async end(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
    await this.read();
    this.sampleProcesses();
    this.run.cpuSeconds = {
      ...this.run.cpuSeconds,
      client: this.cpu.client.seconds(),
      temporal: this.cpu.temporal.seconds(),
      ...(this.options.databasePids ? { database: this.cpu.database.seconds() } : {}),
    };
    if (this.window.samples > 0)
      this.run.window = { peak: this.window.peak, mean: this.window.sum / this.window.samples };
    this.run.history = this.history;
    this.run.clientVmHwm = processMemory(this.options.workerPid)?.peakRss;
  }

  /** Stops sampling without a last sample (the side failed). */
  cancel(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    // Processes are sampled on every tick, synchronously; server reads run beside, never blocking it (a query can
    // wait seconds for a workflow task while the batch continues as new).
    this.sampleProcesses();
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    if (Date.now() - this.lastLog >= 10_000) this.logProgress();
  }

  private sampleProcesses(): void {
    const { run, options } = this;
    this.cpu.client.sample([options.workerPid]);
    this.cpu.temporal.sample(options.temporalPids);
    this.cpu.database.sample(this.databasePids);
    for (const pid of options.temporalPids) {
      const m = processMemory(pid);
      if (m) run.peakRss.temporal = Math.max(run.peakRss.temporal ?? 0, m.rss);
    }
    const memory = processMemory(options.workerPid);
    if (memory && this.batch) {
      run.peakRss.client = Math.max(run.peakRss.client, memory.rss);
      run.rssSeries.push({ t: (Date.now() - run.submittedAt) / 1000, rss: memory.rss, completed: this.completed });
    }
  }

  private async read(): Promise<void> {
    const { client, childWorkflowType } = this.options;
    try {
      if (this.options.databasePids) this.databasePids = await this.options.databasePids();
      if (!this.batch) return;
      this.completed = await this.options.completed();
      this.requestHeapSnapshot();
      const deadline = () => Date.now() + 2_000;
      // A deadline, not a timeout around the promise: the call itself ends (its gRPC retries included) before the
      // connection is closed at the end of the run.
      const described = await client.withDeadline(deadline(), () =>
        client.workflow.getHandle(this.batch!.workflowId).describe(),
      );
      this.history.samples++;
      this.history.peakLength = Math.max(this.history.peakLength, described.historyLength);
      this.history.peakSizeBytes = Math.max(this.history.peakSizeBytes, described.historySize ?? 0);
      const runs = await client.withDeadline(deadline(), () =>
        client.workflow.count(`WorkflowId = '${this.batch!.workflowId}'`),
      );
      this.history.runs = Math.max(this.history.runs, runs.count);
      if (described.status.name !== 'RUNNING') return;
      const inFlight = await client.withDeadline(deadline(), () =>
        client.workflow.count(
          `WorkflowType = '${childWorkflowType}' AND ${SEARCH_ATTRIBUTES.batchId} = '${this.batch!.id}' AND ` +
            `ExecutionStatus = 'Running' AND ${SEARCH_ATTRIBUTES.status} = '${DOCUMENT_STATUS.classifying}'`,
        ),
      );
      this.window.peak = Math.max(this.window.peak, inFlight.count);
      this.window.sum += inFlight.count;
      this.window.samples++;
    } catch {
      // A read can miss (the batch not yet visible, a run switching over); the next one counts.
    }
  }

  private snapshotRequested = false;

  private requestHeapSnapshot(): void {
    const snapshots = this.options.heapSnapshots;
    if (!snapshots || this.snapshotRequested || this.completed < this.options.total / 2) return;
    this.snapshotRequested = true;
    mkdirSync(snapshots.dir, { recursive: true });
    writeFileSync(join(snapshots.dir, 'request'), `${snapshots.label}-${this.completed}`);
    this.options.log(`  ${this.options.label}: heap snapshots requested at ${this.completed} documents`);
  }

  private logProgress(): void {
    const { run, options } = this;
    this.lastLog = Date.now();
    const rate = this.completed / ((Date.now() - run.submittedAt) / 1000);
    // Memory and history as it goes, so that a long run cut short still shows whether they stay bounded.
    const rssMb = (processMemory(options.workerPid)?.rss ?? 0) / 2 ** 20;
    options.log(
      `  ${options.label}: ${this.completed}/${options.total} completed, ${rate.toFixed(1)} docs/s; worker RSS ` +
        `${rssMb.toFixed(0)} MB (peak ${(run.peakRss.client / 2 ** 20).toFixed(0)}); batch history peak ` +
        `${this.history.peakLength} events, run ${this.history.runs}`,
    );
  }
}

import type { Prng } from '../../src/simulator/prng.js';
import type { ChaosCluster } from './cluster.js';
import type { ManagedProcess } from './processes.js';

export const EVENT_KINDS = ['bad-input', 'worker-kill', 'provider-outage', 'database-outage', 'temporal-kill'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One fault of the campaign, at a time relative to the start of the fault phase. */
export interface PlannedEvent {
  kind: EventKind;
  at: number;
  /** How long the fault lasts (outages, the Temporal server's downtime, the corpus's spread). */
  durationMs: number;
  /** Worker number for `worker-kill` (1-based), or 0 for every worker at once. */
  worker?: number;
}

/** What happened when an event ran. */
export interface EventRecord extends PlannedEvent {
  startedAt: number;
  endedAt?: number;
  note?: string;
}

/**
 * Places the faults over the phase, each at its share of the duration moved by a seeded jitter: the bad-input corpus
 * first (while the infrastructure is whole, so that a 5xx is the input's doing), then a worker kill, a provider
 * outage, a database outage, another worker kill, the Temporal server's kill, and every worker at once.
 */
export function planEvents(
  kinds: readonly EventKind[],
  durationMs: number,
  workers: number,
  prng: Prng,
): PlannedEvent[] {
  const jitter = () => (prng.next() - 0.5) * 0.04 * durationMs;
  const at = (share: number) => Math.max(0, Math.round(share * durationMs + jitter()));
  const outage = (share: number) => Math.max(10_000, Math.round(share * durationMs));
  const plan: PlannedEvent[] = [
    { kind: 'bad-input', at: at(0.03), durationMs: Math.round(0.17 * durationMs) },
    { kind: 'worker-kill', at: at(0.14), durationMs: 0, worker: 1 },
    { kind: 'provider-outage', at: at(0.25), durationMs: outage(0.12) },
    { kind: 'database-outage', at: at(0.43), durationMs: outage(0.12) },
    { kind: 'worker-kill', at: at(0.6), durationMs: 0, worker: Math.min(2, workers) },
    { kind: 'temporal-kill', at: at(0.68), durationMs: outage(0.08) },
    { kind: 'worker-kill', at: at(0.84), durationMs: 0, worker: 0 },
  ];
  return plan.filter((e) => kinds.includes(e.kind)).sort((a, b) => a.at - b.at);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a process like a supervisor would: again after a failed start (Temporal may be down meanwhile). */
export async function startSupervised(process: ManagedProcess, log: (line: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await process.start();
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
      log(`${process.name} did not start (${(err as Error).message.split('\n')[0]}); again in 3 s`);
      await sleep(3_000);
    }
  }
}

/** Runs one event against the cluster; `badInput` sends the corpus (the run owns its outcome). */
export async function runEvent(
  event: PlannedEvent,
  cluster: ChaosCluster,
  badInput: (spreadMs: number) => Promise<void>,
  log: (line: string) => void,
): Promise<EventRecord> {
  const record: EventRecord = { ...event, startedAt: Date.now() };
  switch (event.kind) {
    case 'bad-input':
      log(`bad-input corpus over ${(event.durationMs / 1000).toFixed(0)} s`);
      await badInput(event.durationMs);
      break;
    case 'worker-kill': {
      const targets = cluster.workers.filter((_, i) => !event.worker || i === event.worker - 1);
      const names = targets.map((w) => w.name).join(', ');
      log(`SIGKILL ${names}`);
      await Promise.all(targets.map((w) => w.kill('SIGKILL')));
      // A supervisor (systemd, Kubernetes) starts it again a moment later.
      await sleep(2_000);
      const started = Date.now();
      await Promise.all(targets.map((w) => startSupervised(w, log)));
      record.note = `${names} polling again ${((Date.now() - started) / 1000).toFixed(0)} s after the restart`;
      break;
    }
    case 'provider-outage':
      log(`provider outage for ${(event.durationMs / 1000).toFixed(0)} s (every call answers 503)`);
      cluster.sim.startOutage(event.durationMs, 'overloaded');
      await sleep(event.durationMs);
      break;
    case 'database-outage':
      log(`database outage for ${(event.durationMs / 1000).toFixed(0)} s (the proxy resets and refuses connections)`);
      cluster.proxy.cut();
      await sleep(event.durationMs);
      cluster.proxy.restore();
      break;
    case 'temporal-kill': {
      log(`SIGKILL the Temporal server, down for ${(event.durationMs / 1000).toFixed(0)} s`);
      await cluster.killTemporal();
      await sleep(event.durationMs);
      const started = Date.now();
      await cluster.startTemporal();
      record.note = `answering again ${((Date.now() - started) / 1000).toFixed(0)} s after the restart`;
      break;
    }
  }
  record.endedAt = Date.now();
  return record;
}

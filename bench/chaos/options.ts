import { parseArgs } from 'node:util';
import type { ScratchDatabaseKind } from '../../src/dev/scratch-database.js';
import { FAULT_KINDS, type FaultKind } from '../../src/simulator/index.js';
import { EVENT_KINDS, type EventKind } from './events.js';

export const HELP = `npm run chaos -- [flags]

A seeded, bounded fault campaign against real components (about six minutes with the defaults on two cores):
Temporal dev server, a fresh database behind a TCP proxy, the simulator with a fault mix, the API and two workers.
  --docs N            documents submitted over the fault phase          (default 300)
  --duration S        seconds of the fault phase                        (default 150)
  --settle S          at most this many seconds to settle afterwards    (default 180)
  --seed N            seeds documents, batches, event times, faults     (default 1)
  --faults K=R,...    the fault mix, per-request rates by simulator fault kind (default: 31% over 24 kinds)
  --fault-scale X     multiplies every rate of the mix                  (default 1)
  --events E,...      ${EVENT_KINDS.join(',')} (default: all)
  --bad-input N       bad-input requests per route                      (default 10)
  --batch-share X     share of submissions sent as batches of 10        (default 0.2)
  --workers N         worker processes                                  (default 2)
  --db postgres|pglite   (default: PostgreSQL at 127.0.0.1:5432 when it answers, in a fresh database)
  --out DIR           results folder                                    (default bench/results)`;

/**
 * The default mix: about 31% of answers fail, over every fault kind the simulator knows that a provider really
 * sends (transient, operator, input and output classes), as in the campaign issue 13 reports.
 */
export const DEFAULT_FAULT_MIX: Partial<Record<FaultKind, number>> = {
  rate_limit: 0.06,
  bare_429: 0.01,
  server_error: 0.04,
  bad_gateway: 0.03,
  overloaded: 0.03,
  overloaded_529: 0.01,
  hang: 0.01,
  reset: 0.02,
  insufficient_quota: 0.003,
  invalid_request: 0.003,
  unauthorized: 0.002,
  forbidden: 0.002,
  model_not_found: 0.002,
  context_length_exceeded: 0.003,
  content_policy_violation: 0.003,
  invalid_json: 0.015,
  truncated_json: 0.01,
  out_of_taxonomy: 0.01,
  placeholder: 0.01,
  length: 0.008,
  refusal: 0.005,
  content_filter: 0.005,
  low_confidence: 0.015,
  length_valid_json: 0.005,
};

export interface ChaosOptions {
  documents: number;
  durationMs: number;
  settleMs: number;
  seed: number;
  faultRates: Partial<Record<FaultKind, number>>;
  events: EventKind[];
  badInputPerRoute: number;
  batchShare: number;
  workers: number;
  database: ScratchDatabaseKind | 'auto';
  out?: string;
}

/** Parses the command line (throws with a message naming the flag). */
export function parseChaosOptions(args: string[]): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: 'boolean' },
      docs: { type: 'string' },
      duration: { type: 'string' },
      settle: { type: 'string' },
      seed: { type: 'string' },
      faults: { type: 'string' },
      'fault-scale': { type: 'string' },
      events: { type: 'string' },
      'bad-input': { type: 'string' },
      'batch-share': { type: 'string' },
      workers: { type: 'string' },
      db: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const number = (name: keyof typeof values, fallback: number, check: (n: number) => boolean, rule: string) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !check(n))
      throw new Error(`--${name} must be ${rule}, got ${raw}`);
    return n;
  };
  const count = (name: keyof typeof values, fallback: number, min: number) =>
    number(name, fallback, (n) => Number.isInteger(n) && n >= min, `an integer ≥ ${min}`);
  const share = (name: keyof typeof values, fallback: number) =>
    number(name, fallback, (n) => n >= 0 && n <= 1, 'a number from 0 to 1');
  const scale = number('fault-scale', 1, (n) => n >= 0, 'a number ≥ 0');
  let mix = DEFAULT_FAULT_MIX;
  if (values.faults !== undefined) {
    mix = {};
    for (const pair of values.faults.split(',').filter(Boolean)) {
      const [kind, rate] = pair.split('=');
      if (!FAULT_KINDS.includes(kind as FaultKind)) {
        throw new Error(`--faults: unknown fault kind "${kind}"; use one of ${FAULT_KINDS.join(', ')}`);
      }
      const value = Number(rate);
      if (!(value >= 0 && value <= 1)) throw new Error(`--faults: the rate of ${kind} must be from 0 to 1`);
      mix[kind as FaultKind] = value;
    }
  }
  const faultRates = Object.fromEntries(Object.entries(mix).map(([k, v]) => [k, (v ?? 0) * scale]));
  if (Object.values(faultRates).reduce((a, b) => a + b, 0) > 1)
    throw new Error('the fault rates add up to more than 1');
  const events = (values.events ?? EVENT_KINDS.join(',')).split(',').filter(Boolean);
  for (const e of events) {
    if (!EVENT_KINDS.includes(e as EventKind)) throw new Error(`--events: unknown event "${e}"`);
  }
  const db = values.db;
  if (db !== undefined && db !== 'postgres' && db !== 'pglite') throw new Error('--db must be postgres or pglite');
  return {
    documents: count('docs', 300, 1),
    durationMs: count('duration', 150, 20) * 1000,
    settleMs: count('settle', 180, 10) * 1000,
    seed: count('seed', 1, 0),
    faultRates,
    events: events as EventKind[],
    badInputPerRoute: count('bad-input', 10, 0),
    batchShare: share('batch-share', 0.2),
    workers: count('workers', 2, 1),
    database: db ?? 'auto',
    ...(values.out !== undefined ? { out: values.out } : {}),
  };
}

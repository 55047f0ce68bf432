import { BatchRuleBook } from './batch-faults.js';
import type { BatchApiOperation, BatchApiRequest, BatchJobReport } from './batch-types.js';
import { BatchStore, jobReport } from './batches.js';
import { drawFault, RuleBook, type ResolvedFault } from './faults.js';
import { FileStore } from './files.js';
import { TruthLedger } from './ground-truth.js';
import { DEFAULT_CONTEXT_WINDOW, DEFAULT_PROFILE, mergeProfile } from './profile.js';
import { Prng, sampleLatency } from './prng.js';
import { RateLimiter } from './rate-limit.js';
import type { FaultKind, RecordedRequest, SimulatorProfile, SimulatorProfilePatch } from './types.js';

/** Models the simulator serves, with OpenAI's `created` timestamps. */
export const MODELS: readonly { id: string; created: number; contextWindow: number }[] = [
  { id: 'gpt-4o-mini', created: 1721172741, contextWindow: 128_000 },
  { id: 'gpt-4o', created: 1715367049, contextWindow: 128_000 },
  { id: 'gpt-4.1-mini', created: 1744318173, contextWindow: 1_047_576 },
  { id: 'gpt-4.1-nano', created: 1744321707, contextWindow: 1_047_576 },
  { id: 'gpt-4.1', created: 1744316542, contextWindow: 1_047_576 },
  { id: 'gpt-5-mini', created: 1754425928, contextWindow: 400_000 },
  { id: 'gpt-5', created: 1754425777, contextWindow: 400_000 },
  { id: 'o4-mini', created: 1744225351, contextWindow: 200_000 },
];

/** Mixed into the seed of the Batch API's sequence, so that it differs from the realtime ones. */
const BATCH_SEED_SALT = 0x2545f491;

/** Whether `model` is served: a listed id, or one of its dated snapshots (`gpt-4o-mini-2024-07-18`). */
export function isKnownModel(model: string): boolean {
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return MODELS.some((m) => m.id === base);
}

/**
 * Everything a running simulator remembers: profile, rules, recorded requests, limits, cache, random state, and the
 * Batch API's files, jobs and rules.
 */
export class SimulatorState {
  profile: SimulatorProfile;
  /** Recorded requests; cleared in place so that references handed out stay live. */
  readonly requests: RecordedRequest[] = [];
  readonly rules = new RuleBook();
  readonly limiter = new RateLimiter();
  /** Files and Batches requests; cleared in place like {@link requests}. */
  readonly batchApiRequests: BatchApiRequest[] = [];
  readonly files = new FileStore();
  readonly batches = new BatchStore();
  readonly batchRules = new BatchRuleBook();
  /**
   * Answers of Files and Batches operations held back after they took effect (a job created, a file read), as a
   * network that stalls does: how a test kills a caller between the provider acting and the caller hearing of it.
   */
  readonly batchApiDelays = new Map<BatchApiOperation, { ms: number; times: number }>();
  /** What ground truth mode answered, per document and model. */
  readonly truth = new TruthLedger();
  /** Shuffles jobs' lines and draws their faults, apart from realtime draws so that neither shifts the other. */
  batchPrng: Prng;
  private readonly seenPrefixes = new Set<string>();
  private readonly closers = new Set<() => void>();
  private faultPrng: Prng;
  private latencyPrng: Prng;
  private seq = 0;
  private batchApiSeq = 0;
  private outage: { until: number; kind: FaultKind } | undefined;

  constructor(profile: SimulatorProfilePatch = {}) {
    this.profile = mergeProfile(DEFAULT_PROFILE, profile);
    this.faultPrng = new Prng(this.profile.seed);
    this.latencyPrng = new Prng(this.profile.seed ^ 0x5bd1e995);
    this.batchPrng = new Prng(this.profile.seed ^ BATCH_SEED_SALT);
  }

  /** Merges a partial profile; a new seed restarts the random sequences. */
  setProfile(patch: SimulatorProfilePatch): void {
    this.profile = mergeProfile(this.profile, patch);
    if (patch.seed !== undefined) this.reseed();
  }

  /**
   * Forgets requests, rules, rate-limit windows, cached prefixes, files and jobs and ground truth records, restarts the
   * random sequences.
   */
  reset(): void {
    this.requests.length = 0;
    this.truth.clear();
    this.rules.clear();
    this.batchApiRequests.length = 0;
    this.files.clear();
    this.batches.clear();
    this.batchRules.clear();
    this.batchApiDelays.clear();
    this.batchApiSeq = 0;
    this.limiter.clear();
    this.seenPrefixes.clear();
    this.outage = undefined;
    this.seq = 0;
    this.reseed();
  }

  /** Records a new request and returns its record, to be completed as the request proceeds. */
  record(path: string, receivedAt: number): RecordedRequest {
    this.seq += 1;
    const recorded: RecordedRequest = { seq: this.seq, receivedAt, path, model: '', userText: '', promptTokens: 0 };
    this.requests.push(recorded);
    return recorded;
  }

  /** Records a new Files or Batches request and returns its record, to be completed as the request proceeds. */
  recordBatchApi(operation: BatchApiOperation, method: string, path: string, receivedAt: number): BatchApiRequest {
    this.batchApiSeq += 1;
    const recorded: BatchApiRequest = { seq: this.batchApiSeq, operation, method, path, receivedAt };
    this.batchApiRequests.push(recorded);
    return recorded;
  }

  /**
   * Now, once the files of every job that has ended by now are written: the one instant a Files or Batches answer
   * describes, so that a job's status and its file ids always agree.
   */
  settledNow(): number {
    const now = Date.now();
    this.batches.settle(now, this.files);
    return now;
  }

  /** Every job as of `now` (see {@link settledNow}), newest first, with its lines' outcomes and billing. */
  batchJobReports(now: number): BatchJobReport[] {
    return this.batches.list().map((job) => jobReport(job, now));
  }

  /**
   * The fault for a request: the first matching rule's next one, else a draw from the profile's rates (from `prng`:
   * realtime calls and batch lines draw from their own sequences).
   */
  nextFault(userText: string, model: string, prng: Prng = this.faultPrng): ResolvedFault | undefined {
    const fromRule = this.rules.take(userText, model);
    if (fromRule) return fromRule;
    const kind = drawFault(this.profile.faultRates, prng);
    return kind ? { kind } : undefined;
  }

  /** Every request until `durationMs` from now answers `kind`. */
  startOutage(durationMs: number, kind: FaultKind = 'overloaded'): void {
    this.outage = { until: Date.now() + durationMs, kind };
  }

  endOutage(): void {
    this.outage = undefined;
  }

  /** The outage's fault while one lasts. */
  outageFault(now: number): ResolvedFault | undefined {
    return this.outage && now < this.outage.until ? { kind: this.outage.kind } : undefined;
  }

  /** The next latency drawn from the profile. */
  nextLatency(): number {
    return sampleLatency(this.profile.latencyMs, this.latencyPrng);
  }

  contextWindow(model: string): number {
    const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
    return (
      this.profile.contextWindow[model] ?? MODELS.find((m) => m.id === base)?.contextWindow ?? DEFAULT_CONTEXT_WINDOW
    );
  }

  /** Whether this prefix was seen before; remembers it either way. */
  seenPrefix(key: string): boolean {
    const seen = this.seenPrefixes.has(key);
    this.seenPrefixes.add(key);
    return seen;
  }

  /** Registers work to end when the simulator closes (hanging or delayed requests); returns its unregistration. */
  onClose(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  /** Ends everything registered with {@link onClose}. */
  closeAll(): void {
    for (const close of [...this.closers]) close();
    this.closers.clear();
  }

  private reseed(): void {
    this.faultPrng = new Prng(this.profile.seed);
    this.latencyPrng = new Prng(this.profile.seed ^ 0x5bd1e995);
    this.batchPrng = new Prng(this.profile.seed ^ BATCH_SEED_SALT);
  }
}

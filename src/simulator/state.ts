import { drawFault, RuleBook, type ResolvedFault } from './faults.js';
import { DEFAULT_CONTEXT_WINDOW, DEFAULT_PROFILE, mergeProfile } from './profile.js';
import { Prng, sampleLatency } from './prng.js';
import { RateLimiter } from './rate-limit.js';
import type { FaultKind, RecordedRequest, SimulatorProfile } from './types.js';

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

/** Whether `model` is served: a listed id, or one of its dated snapshots (`gpt-4o-mini-2024-07-18`). */
export function isKnownModel(model: string): boolean {
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return MODELS.some((m) => m.id === base);
}

/** Everything a running simulator remembers: profile, rules, recorded requests, limits, cache and random state. */
export class SimulatorState {
  profile: SimulatorProfile;
  /** Recorded requests; cleared in place so that references handed out stay live. */
  readonly requests: RecordedRequest[] = [];
  readonly rules = new RuleBook();
  readonly limiter = new RateLimiter();
  private readonly seenPrefixes = new Set<string>();
  private readonly closers = new Set<() => void>();
  private faultPrng: Prng;
  private latencyPrng: Prng;
  private seq = 0;
  private outage: { until: number; kind: FaultKind } | undefined;

  constructor(profile: Partial<SimulatorProfile> = {}) {
    this.profile = mergeProfile(DEFAULT_PROFILE, profile);
    this.faultPrng = new Prng(this.profile.seed);
    this.latencyPrng = new Prng(this.profile.seed ^ 0x5bd1e995);
  }

  /** Merges a partial profile; a new seed restarts the random sequences. */
  setProfile(patch: Partial<SimulatorProfile>): void {
    this.profile = mergeProfile(this.profile, patch);
    if (patch.seed !== undefined) this.reseed();
  }

  /** Forgets requests, rules, rate-limit windows and cached prefixes, restarts the random sequences. */
  reset(): void {
    this.requests.length = 0;
    this.rules.clear();
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

  /** The fault for a request: the first matching rule's next one, else a draw from the profile's rates. */
  nextFault(userText: string, model: string): ResolvedFault | undefined {
    const fromRule = this.rules.take(userText, model);
    if (fromRule) return fromRule;
    const kind = drawFault(this.profile.faultRates, this.faultPrng);
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
  }
}

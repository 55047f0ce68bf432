import type { ActivitySlotInfo, CustomSlotSupplier, SlotPermit } from '@temporalio/worker';

export interface LlmSlotsOptions {
  /** A fixed number of LLM calls in flight (DOCKET_LLM_CONCURRENCY); unset = sized from the limits below. */
  fixed?: number;
  /** The provider's requests per minute (DOCKET_LLM_RPM). */
  rpm?: number;
  /** The provider's tokens per minute (DOCKET_LLM_TPM). */
  tpm?: number;
  /** The most slots auto-sizing hands out (DOCKET_LLM_MAX_CONCURRENCY). @default 128 */
  max?: number;
  /** Slots when neither a fixed value nor a limit is set. @default 16 */
  unlimited?: number;
  /** The latency assumed until calls have been observed, ms. @default 2000 */
  initialLatencyMs?: number;
  /** Provider tokens per call assumed until calls have been observed. @default 1000 */
  initialTokensPerCall?: number;
  /** Called when the size changes, with the new size and why. */
  onResize?: (size: number, basis: SizingBasis) => void;
}

/** What an auto-sized limit was computed from. */
export interface SizingBasis {
  callsPerSecond: number;
  latencyMs: number;
  tokensPerCall: number;
}

/** Fewest slots an auto-sized worker keeps: calls may wait on a bucket while others run. */
const MIN_SLOTS = 4;
/**
 * Over Little's law: latency varies, and a slot is also held while the task is dispatched and while the call waits
 * for its turn at the buckets, neither of which the latency observed counts. Measured with `npm run bench`: at 2×,
 * retries after faults left the provider's limit unused.
 */
const HEADROOM = 4;
/** Slots on top, so a limit of a few calls a second still overlaps dispatch with calls. */
const EXTRA = 2;
/** Weight of a new observation in the moving averages. */
const ALPHA = 0.1;

/**
 * Sizes the `docket-llm` worker's activity slots, so a worker only takes as many LLM calls off the task queue as
 * the provider's limits can serve. With DOCKET_LLM_CONCURRENCY set, that many. Otherwise Little's law: the calls
 * per second the limits allow, min(RPM/60, TPM/60/k), times the call latency L (times HEADROOM, plus EXTRA), with
 * k and L the moving averages of the calls observed. Tasks the worker does not take stay on the server, free for other workers.
 */
export class LlmSlots implements CustomSlotSupplier<ActivitySlotInfo> {
  readonly type = 'custom';
  private readonly options: LlmSlotsOptions;
  private latencyMs: number;
  private tokensPerCall: number;
  private current: number;
  private held = 0;
  private waiters: (() => void)[] = [];

  constructor(options: LlmSlotsOptions) {
    this.options = options;
    this.latencyMs = options.initialLatencyMs ?? 2000;
    this.tokensPerCall = options.initialTokensPerCall ?? 1000;
    this.current = this.compute();
  }

  /** Slots handed out at most right now. */
  get size(): number {
    return this.current;
  }

  /** Slots handed out (reserved by pollers or running a call). */
  get inUse(): number {
    return this.held;
  }

  /** Whether the size follows the limits and latency (no fixed DOCKET_LLM_CONCURRENCY). */
  get auto(): boolean {
    return this.options.fixed === undefined && (this.options.rpm !== undefined || this.options.tpm !== undefined);
  }

  /**
   * Feeds one finished call: the time it held its slot beyond any wait for the rate buckets, and the tokens the
   * provider counted (omit for a call that failed before an answer).
   */
  observe(call: { busyMs: number; tokens?: number }): void {
    if (!this.auto) return;
    this.latencyMs += ALPHA * (call.busyMs - this.latencyMs);
    if (call.tokens !== undefined && call.tokens > 0) this.tokensPerCall += ALPHA * (call.tokens - this.tokensPerCall);
    const next = this.compute();
    if (next === this.current) return;
    this.current = next;
    this.options.onResize?.(next, this.basis());
    this.wake();
  }

  /** The calls per second the provider's limits allow, from the tokens per call observed so far. */
  callsPerSecond(): number {
    const { rpm, tpm } = this.options;
    const rates: number[] = [];
    if (rpm !== undefined) rates.push(rpm / 60);
    if (tpm !== undefined) rates.push(tpm / 60 / this.tokensPerCall);
    return rates.length > 0 ? Math.min(...rates) : Infinity;
  }

  basis(): SizingBasis {
    return {
      callsPerSecond: this.callsPerSecond(),
      latencyMs: Math.round(this.latencyMs),
      tokensPerCall: Math.round(this.tokensPerCall),
    };
  }

  private compute(): number {
    const { fixed, max = 128, unlimited = 16 } = this.options;
    if (fixed !== undefined) return fixed;
    if (!this.auto) return unlimited;
    const littles = this.callsPerSecond() * (this.latencyMs / 1000) * HEADROOM;
    // The moving averages approach a steady value from one side: ignore the last thousandth of a slot.
    return Math.min(max, Math.max(MIN_SLOTS, Math.ceil(littles - 1e-3) + EXTRA));
  }

  async reserveSlot(_ctx: unknown, abortSignal: AbortSignal): Promise<SlotPermit> {
    while (this.held >= this.current) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          this.waiters = this.waiters.filter((w) => w !== wake);
          reject(abortSignal.reason instanceof Error ? abortSignal.reason : abortError());
        };
        const wake = () => {
          abortSignal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (abortSignal.aborted) return onAbort();
        abortSignal.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(wake);
      });
    }
    this.held++;
    return {};
  }

  tryReserveSlot(): SlotPermit | null {
    if (this.held >= this.current) return null;
    this.held++;
    return {};
  }

  /** Counted when reserved: a slot reserved for a poll is as unavailable as one running a call. */
  markSlotUsed(): void {}

  releaseSlot(): void {
    this.held = Math.max(0, this.held - 1);
    this.wake();
  }

  private wake(): void {
    const free = this.current - this.held;
    for (const wake of this.waiters.splice(0, Math.max(0, free))) wake();
  }
}

function abortError(): Error {
  const err = new Error('slot reservation aborted');
  err.name = 'AbortError';
  return err;
}

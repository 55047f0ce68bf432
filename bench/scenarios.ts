import type { SimulatorProfile } from '../src/simulator/index.js';

/** Flags that shape the scenarios; every one has a default that keeps `npm run bench` near ten minutes. */
export interface ScenarioSettings {
  /** Documents per scenario, by scenario key. */
  documents: Record<ScenarioKey, number>;
  /** Provider requests per minute of (b) and (e), and of --large when given. */
  rpm: number;
  /** Provider tokens per minute of (c). */
  tpm: number;
  /** Provider latency of (b), (c) and (e), ms (uniform ±25%). */
  latencyMs: number;
  /** LLM calls in flight (Docket per worker, the baseline per process) in every scenario but (d). */
  llmConcurrency: number;
  /** The concurrency of (d). */
  concurrency: number;
  /** The fixed provider latency of (d), ms. */
  concurrencyLatencyMs: number;
  /** Provider rpm of --large (unset: unbound). */
  largeRpm?: number;
  /** Interactive documents of (f): half on an idle Docket, half while the batch saturates the limit. */
  interactive: number;
  seed: number;
}

export type ScenarioKey = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'large' | 'scale';

export const DEFAULT_DOCUMENTS: Record<ScenarioKey, number> = {
  a: 600,
  b: 300,
  c: 225,
  d: 160,
  e: 300,
  f: 480,
  g: 480,
  h: 2_000,
  large: 10_000,
  scale: 100_000,
};

/** Injected faults of (e): 10% 429 rate_limit_exceeded, 4% 500. */
export const FAULT_MIX = { rate_limit: 0.1, server_error: 0.04 } as const;

/** One scenario: what the provider enforces, how Docket is configured, and which bound is expected to bind. */
export interface Scenario {
  key: ScenarioKey;
  title: string;
  /** What bounds the theoretical throughput, in words. */
  bound: string;
  documents: number;
  simulator: Partial<SimulatorProfile>;
  /** DOCKET_* variables of the worker. */
  docketEnv: Record<string, string>;
  /** LLM calls in flight for both sides. */
  concurrency: number;
  /** The limits the theoretical throughput follows from. */
  limits: { rpm?: number; tpm?: number; meanLatencyMs: number };
  /** Share of requests answered with an injected fault. */
  injectedFaultShare: number;
  /** A memory/history run (--large, --scale) rather than one of the default five. */
  big: boolean;
  /** Engine-bound: the floor row runs beside Docket (same documents, same window, same LLM-like concurrency). */
  floor: boolean;
  /**
   * Docket only, measured by its own runner: (f) interactive latency and (g) fairness between batches (issue 18's
   * priority lanes), (h) realtime against the Batch API (issue 17).
   */
  lane?: 'interactive' | 'fairness' | 'batch_api';
}

function jittered(ms: number): SimulatorProfile['latencyMs'] {
  return { min: Math.round(ms * 0.75), max: Math.round(ms * 1.25) };
}

/** The scenarios of the issue, built from the flags. */
export function buildScenarios(s: ScenarioSettings): Record<ScenarioKey, Scenario> {
  const concurrencyEnv = { DOCKET_LLM_CONCURRENCY: String(s.llmConcurrency) };
  const base = { seed: s.seed };
  const rateBound = (key: 'b' | 'e' | 'f' | 'g', title: string, faults: boolean): Scenario => ({
    key,
    title,
    bound: `provider rpm ${s.rpm}`,
    documents: s.documents[key],
    simulator: {
      ...base,
      latencyMs: jittered(s.latencyMs),
      rpm: s.rpm,
      ...(faults ? { faultRates: { ...FAULT_MIX } } : {}),
    },
    // No DOCKET_LLM_CONCURRENCY: Docket sizes its calls in flight from the limit and the latency it observes.
    docketEnv: { DOCKET_LLM_RPM: String(s.rpm) },
    concurrency: s.llmConcurrency,
    limits: { rpm: s.rpm, meanLatencyMs: s.latencyMs },
    injectedFaultShare: faults ? FAULT_MIX.rate_limit + FAULT_MIX.server_error : 0,
    big: false,
    floor: false,
  });
  const big = (key: 'large' | 'scale', title: string, rpm: number | undefined): Scenario => ({
    key,
    title,
    bound: rpm ? `provider rpm ${rpm}` : 'the engine (no latency, no limit)',
    documents: s.documents[key],
    simulator: { ...base, ...(rpm ? { rpm } : {}) },
    docketEnv: { ...concurrencyEnv, ...(rpm ? { DOCKET_LLM_RPM: String(rpm) } : {}) },
    concurrency: s.llmConcurrency,
    limits: { ...(rpm ? { rpm } : {}), meanLatencyMs: 0 },
    injectedFaultShare: 0,
    big: true,
    floor: !rpm,
  });
  return {
    a: {
      key: 'a',
      title: '(a) engine ceiling: no latency, no limit',
      bound: 'the engine (no latency, no limit)',
      documents: s.documents.a,
      simulator: { ...base },
      docketEnv: concurrencyEnv,
      concurrency: s.llmConcurrency,
      limits: { meanLatencyMs: 0 },
      injectedFaultShare: 0,
      big: false,
      floor: true,
    },
    b: rateBound('b', `(b) bound by requests per minute: rpm ${s.rpm}, latency ~${s.latencyMs} ms`, false),
    c: {
      key: 'c',
      title: `(c) bound by tokens per minute: tpm ${s.tpm}, latency ~${s.latencyMs} ms`,
      bound: `provider tpm ${s.tpm}`,
      documents: s.documents.c,
      simulator: { ...base, latencyMs: jittered(s.latencyMs), tpm: s.tpm },
      docketEnv: { DOCKET_LLM_TPM: String(s.tpm) },
      concurrency: s.llmConcurrency,
      limits: { tpm: s.tpm, meanLatencyMs: s.latencyMs },
      injectedFaultShare: 0,
      big: false,
      floor: false,
    },
    d: {
      key: 'd',
      title: `(d) bound by concurrency: C=${s.concurrency}, latency ${s.concurrencyLatencyMs} ms, no provider limit`,
      bound: `concurrency ${s.concurrency} / latency ${s.concurrencyLatencyMs} ms`,
      documents: s.documents.d,
      simulator: { ...base, latencyMs: { min: s.concurrencyLatencyMs, max: s.concurrencyLatencyMs } },
      docketEnv: { DOCKET_LLM_CONCURRENCY: String(s.concurrency) },
      concurrency: s.concurrency,
      limits: { meanLatencyMs: s.concurrencyLatencyMs },
      injectedFaultShare: 0,
      big: false,
      floor: false,
    },
    e: rateBound('e', `(e) = (b) + injected faults: 10% 429, 4% 500`, true),
    f: {
      ...rateBound(
        'f',
        `(f) interactive documents while a batch saturates rpm ${s.rpm}, latency ~${s.latencyMs} ms`,
        false,
      ),
      lane: 'interactive',
    },
    g: {
      ...rateBound(
        'g',
        `(g) two batches of different sources under one limit: rpm ${s.rpm}, latency ~${s.latencyMs} ms`,
        false,
      ),
      lane: 'fairness',
    },
    h: {
      key: 'h',
      title: `(h) realtime vs the Batch API: the same documents both ways, latency ~${s.latencyMs} ms, no limit`,
      bound: 'cost (the Batch API at half price)',
      documents: s.documents.h,
      simulator: { ...base, latencyMs: jittered(s.latencyMs) },
      docketEnv: concurrencyEnv,
      concurrency: s.llmConcurrency,
      limits: { meanLatencyMs: s.latencyMs },
      injectedFaultShare: 0,
      big: false,
      floor: false,
      lane: 'batch_api',
    },
    large: big('large', `--large: ${s.documents.large} documents, no latency`, s.largeRpm),
    scale: big('scale', `--scale: ${s.documents.scale} documents, no latency, no limit`, undefined),
  };
}

/**
 * The theoretical documents per second: min(R, T/k, C/L), with `k` the provider's own tokens per successful request
 * (prompt + completion, as measured). Undefined when nothing bounds the scenario but the engine.
 */
export function theoreticalLimit(scenario: Scenario, tokensPerRequest: number | undefined): number | undefined {
  const bounds: number[] = [];
  const { rpm, tpm, meanLatencyMs } = scenario.limits;
  if (rpm !== undefined) bounds.push(rpm / 60);
  if (tpm !== undefined && tokensPerRequest !== undefined && tokensPerRequest > 0) {
    bounds.push(tpm / tokensPerRequest / 60);
  }
  if (meanLatencyMs > 0) bounds.push(scenario.concurrency / (meanLatencyMs / 1000));
  return bounds.length > 0 ? Math.min(...bounds) : undefined;
}

import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { Client } from '@temporalio/client';
import type OpenAI from 'openai';
import type { FinishedCall } from '../activities/classify-with-llm.js';
import { createDataConverter, FAILURE_CONVERTER_PATH } from '../codec/data-converter.js';
import { createActivities, createLlmActivities, type ActivityDeps } from '../activities/index.js';
import { recordLlmSlots } from '../activities/metrics.js';
import type { Config } from '../config.js';
import { startReconciler } from '../documents/reconcile.js';
import { syncRetentionSchedule } from '../documents/retention-schedule.js';
import { ProviderHold } from '../llm/rate-headers.js';
import { loadTokenizer } from '../llm/tokens.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { LLM_TASK_QUEUE, TASK_QUEUE } from '../shared/names.js';
import { LlmSlots } from './llm-slots.js';
import {
  tracingActivityInterceptors,
  tracingSinks,
  WORKFLOW_TRACING_INTERCEPTORS,
  type Tracing,
} from '../telemetry/index.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface BundleWorkflowsOptions {
  /**
   * Bundle the OpenTelemetry workflow interceptors too: a worker started with `tracing` needs such a bundle.
   * @default false
   */
  tracing?: boolean;
}

/** Bundles the workflow code once (TypeScript sources with ESM `.js` import specifiers). */
export async function bundleWorkflows(options: BundleWorkflowsOptions = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    // Failures raised in workflow code carry their message in an encoded (so encrypted) payload too.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(options.tracing ? { workflowInterceptorModules: [WORKFLOW_TRACING_INTERCEPTORS] } : {}),
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (m) => console.error(m),
    },
    webpackConfigHook: (config) => {
      config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
      return config;
    },
  });
}

export interface WorkerDeps {
  connection: NativeConnection;
  config: Config;
  pool: Pool;
  openai: OpenAI;
  logger: Logger;
  /** A prebuilt bundle (tests build one per file); with `tracing`, built by `bundleWorkflows({ tracing: true })`. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** OpenTelemetry tracing of workflows and activities (from `startTracing`). Unset: no interceptors, no sinks. */
  tracing?: Tracing;
  /** The client the outbox reconciler starts owed workflows with. @default a client over `connection` */
  client?: Client;
}

export interface DocketWorkers {
  /** Runs both workers until `shutdown()`; resolves when they have drained. */
  run(): Promise<void>;
  shutdown(): void;
}

/** The two workers of a Docket worker process: `docket` (workflows, database) and `docket-llm` (LLM calls). */
export async function createWorkers(deps: WorkerDeps): Promise<DocketWorkers> {
  const { config } = deps;
  loadTokenizer();
  const slots = createLlmSlots(config, deps.logger);
  // Erasures (the retention purge) and the outbox reconciler reach Temporal through a client on the same connection.
  const dataConverter = createDataConverter(config.payload);
  // Workflow starts (the reconciler) and schedule inputs are payloads too: encrypted like the workers' own.
  const client =
    deps.client ?? new Client({ connection: deps.connection, namespace: config.temporal.namespace, dataConverter });
  const activityDeps = activityDepsOf(deps, client, slots);
  const { tracing } = deps;
  const common = {
    connection: deps.connection,
    namespace: config.temporal.namespace,
    dataConverter,
    ...shutdownOptions(config),
  };
  const workflowBundle = deps.workflowBundle ?? (await bundleWorkflows({ tracing: tracing !== undefined }));
  const main = await Worker.create({
    ...common,
    taskQueue: TASK_QUEUE,
    workflowBundle,
    activities: createActivities(activityDeps),
    ...(tracing ? { interceptors: tracingActivityInterceptors(), sinks: tracingSinks(tracing) } : {}),
  });
  const llm = await Worker.create({
    ...common,
    taskQueue: LLM_TASK_QUEUE,
    activities: createLlmActivities(activityDeps),
    ...(tracing ? { interceptors: tracingActivityInterceptors() } : {}),
    ...llmWorkerLimits(config, slots),
  });
  const retention = await syncRetentionSchedule(client, config.retentionDays, deps.logger);
  if (retention !== 'absent')
    deps.logger.info({ retentionDays: config.retentionDays, schedule: retention }, 'retention schedule synced');
  return runningWorkers(deps, client, main, llm);
}

/** The LLM slots of this worker (fixed, or sized from the limits and the latency), logged once at start. */
function createLlmSlots(config: Config, logger: Logger): LlmSlots {
  const slots = new LlmSlots({
    fixed: config.llm.concurrency,
    rpm: config.llm.rpm,
    tpm: config.llm.tpm,
    max: config.llm.maxConcurrency,
    // Debug: the size follows moving averages and may step by one now and then.
    onResize: (size, basis) => logger.debug({ slots: size, ...basis }, 'LLM calls in flight per worker resized'),
  });
  logger.info(
    { slots: slots.size, auto: slots.auto, ...(slots.auto ? slots.basis() : {}) },
    'LLM calls in flight per worker',
  );
  return slots;
}

/** What the activities of both workers receive. */
function activityDepsOf(deps: WorkerDeps, client: Client, slots: LlmSlots): ActivityDeps {
  const { config } = deps;
  return {
    client,
    pool: deps.pool,
    openai: deps.openai,
    logger: deps.logger,
    maxOutputTokens: config.llm.maxOutputTokens,
    timeoutMs: config.openai.timeoutMs,
    rpm: config.llm.rpm,
    tpm: config.llm.tpm,
    // Runs in the activity's context: the gauge goes to the worker's Prometheus endpoint.
    onCallFinished: (call: FinishedCall) => {
      slots.observe(call);
      recordLlmSlots(slots.size);
    },
    providerHold: new ProviderHold(),
    extraction: config.extraction,
    batchApi: config.batchApi.queue,
    longDocumentTokens: config.longDocuments.tokens,
    dailyBudgetUsd: config.dailyBudgetUsd,
    sampleRate: config.sampleRate,
    auditRate: config.audit.rate,
    providerHealth: {
      outageThreshold: config.llm.outageThreshold,
      rateLimitAlertAfterMs: config.llm.rateLimitAlertAfterMs,
    },
  };
}

/** A stopping worker lets calls in flight finish (paid for, recorded) instead of aborting them to pay again later. */
function shutdownOptions(config: Config): { shutdownGraceTime?: number; shutdownForceTime?: number } {
  return config.shutdownGraceMs !== undefined
    ? { shutdownGraceTime: config.shutdownGraceMs, shutdownForceTime: config.shutdownGraceMs + 10_000 }
    : {};
}

/** The `docket-llm` worker's slots and its task queue's rate limit. */
function llmWorkerLimits(config: Config, slots: LlmSlots) {
  return {
    tuner: {
      activityTaskSlotSupplier: slots,
      // This worker runs no workflows, local activities or Nexus operations.
      workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    },
    // Server-side rate limit of the whole task queue, shared by every worker process: never more LLM tasks than the
    // provider takes. Temporal divides it among the queue's partitions, so it is exact with one (the dev server and
    // compose set that). The finer pacing is the shared request bucket every call takes a token from (spend-guard).
    ...(config.llm.rpm ? { maxTaskQueueActivitiesPerSecond: config.llm.rpm / 60 } : {}),
  } satisfies Pick<WorkerOptions, 'tuner' | 'maxTaskQueueActivitiesPerSecond'>;
}

/** Runs both workers with the outbox reconciler beside them, and stops them. */
function runningWorkers(deps: WorkerDeps, client: Client, main: Worker, llm: Worker): DocketWorkers {
  const { config } = deps;
  return {
    async run() {
      // Starts every accepted document or batch whose workflow start Temporal did not take at submission.
      const reconciler = startReconciler(
        { pool: deps.pool, client, logger: deps.logger },
        { intervalMs: config.submission.reconcileIntervalMs, startTimeoutMs: config.submission.startTimeoutMs },
      );
      try {
        await Promise.all([main.run(), llm.run()]);
      } finally {
        await reconciler.stop();
      }
    },
    shutdown() {
      if (main.getState() === 'RUNNING') main.shutdown();
      if (llm.getState() === 'RUNNING') llm.shutdown();
    },
  };
}

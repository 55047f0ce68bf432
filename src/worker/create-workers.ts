import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type OpenAI from 'openai';
import { createActivities, createLlmActivities } from '../activities/index.js';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { LLM_TASK_QUEUE, TASK_QUEUE } from '../shared/names.js';
import {
  tracingActivityInterceptors,
  tracingSinks,
  WORKFLOW_TRACING_INTERCEPTORS,
  type Tracing,
} from '../telemetry/index.js';

/** Share of DOCKET_LLM_RPM the docket-llm task queue is paced to. */
const RPM_HEADROOM = 0.95;

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
}

export interface DocketWorkers {
  /** Runs both workers until `shutdown()`; resolves when they have drained. */
  run(): Promise<void>;
  shutdown(): void;
}

/** The two workers of a Docket worker process: `docket` (workflows, database) and `docket-llm` (LLM calls). */
export async function createWorkers(deps: WorkerDeps): Promise<DocketWorkers> {
  const { config } = deps;
  const activityDeps = {
    pool: deps.pool,
    openai: deps.openai,
    logger: deps.logger,
    maxOutputTokens: config.llm.maxOutputTokens,
    timeoutMs: config.openai.timeoutMs,
    tpm: config.llm.tpm,
    dailyBudgetUsd: config.dailyBudgetUsd,
    sampleRate: config.sampleRate,
  };
  const { tracing } = deps;
  const workflowBundle = deps.workflowBundle ?? (await bundleWorkflows({ tracing: tracing !== undefined }));
  const main = await Worker.create({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: TASK_QUEUE,
    workflowBundle,
    activities: createActivities(activityDeps),
    ...(tracing ? { interceptors: tracingActivityInterceptors(), sinks: tracingSinks(tracing) } : {}),
  });
  const llm = await Worker.create({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: LLM_TASK_QUEUE,
    activities: createLlmActivities(activityDeps),
    ...(tracing ? { interceptors: tracingActivityInterceptors() } : {}),
    maxConcurrentActivityTaskExecutions: config.llm.concurrency,
    // Server-side pacing of the whole task queue, shared by every worker process.
    // At 95% of the limit: pacing at exactly the limit draws 429s when the provider's one-minute window turns over.
    ...(config.llm.rpm ? { maxTaskQueueActivitiesPerSecond: (config.llm.rpm * RPM_HEADROOM) / 60 } : {}),
  });
  return {
    async run() {
      await Promise.all([main.run(), llm.run()]);
    },
    shutdown() {
      if (main.getState() === 'RUNNING') main.shutdown();
      if (llm.getState() === 'RUNNING') llm.shutdown();
    },
  };
}

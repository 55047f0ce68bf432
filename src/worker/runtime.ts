import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Config } from '../config.js';
import { writeSdkLogEntry } from '../logger.js';

const SDK_LEVEL: Record<Config['logLevel'], LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

let installed = false;

/**
 * Installs the Temporal SDK runtime once per process, before any connection (later calls do nothing). The SDK's
 * own lifecycle chatter is kept at WARN unless Docket logs at debug or trace. With `metricsAddress`, the SDK's
 * metrics and Docket's own (recorded through the SDK's metric meter) are served for Prometheus at /metrics.
 */
export function installRuntime(level: Config['logLevel'], metricsAddress?: string): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    // The SDK logs the raw error an activity threw: write its lines with database error fields redacted.
    logger: new DefaultLogger(SDK_LEVEL[level], (entry) => writeSdkLogEntry(entry)),
    ...(metricsAddress
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: metricsAddress,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
                // Docket records LLM latency in milliseconds: buckets from a fast answer to the call timeout.
                histogramBucketOverrides: {
                  docket_llm_latency: [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000],
                },
              },
            },
          },
        }
      : {}),
  });
}

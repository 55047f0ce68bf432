import { ApplicationFailure } from '@temporalio/common';
import { makeTelemetryFilterString, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { isErrorType } from '../shared/errors.js';
import { LLM_TASK_QUEUE } from '../shared/names.js';

const SDK_LEVEL: Record<Config['logLevel'], LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

const LEVEL_RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logger (its TypeScript side and, forwarded, its Rust core) writing through Docket's pino logger,
 * so that one process prints one format. Two rules keep the log readable:
 * - the `docket-llm` worker runs no workflows on purpose, so the SDK's warning that it registers none is dropped;
 * - an activity failure that is an expected outcome (an `ApplicationFailure` typed with the error taxonomy: exhausted
 *   quota, input too long, a rate limit) is one line with its type; only unexpected failures (bugs) carry a stack.
 */
export class SdkLogger {
  constructor(
    private readonly logger: Logger,
    private readonly minLevel: LogLevel,
  ) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.minLevel]) return;
    if (message.startsWith('No workflows registered') && meta.taskQueue === LLM_TASK_QUEUE) return;
    const { error, ...rest } = meta;
    const fields: Record<string, unknown> = { ...rest };
    let text = message;
    if (error instanceof ApplicationFailure && isErrorType(error.type)) {
      text = `${message}: ${error.type}`;
      fields.errorType = error.type;
      fields.reason = error.message;
    } else if (error !== undefined) {
      fields.err = error;
    }
    this.logger[PINO_METHOD[level]](fields, text);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

let installed = false;

/**
 * Installs the Temporal SDK runtime once per process, before any connection (later calls do nothing). The SDK's
 * own lifecycle chatter is kept at WARN unless Docket logs at debug or trace; its logs, the Rust core's included,
 * go through `logger` (default: a pino logger named `temporal`) in Docket's format. With `metricsAddress`, the SDK's
 * metrics and Docket's own (recorded through the SDK's metric meter) are served for Prometheus at /metrics.
 */
export function installRuntime(level: Config['logLevel'], metricsAddress?: string, logger?: Logger): void {
  if (installed) return;
  installed = true;
  const sdkLevel = SDK_LEVEL[level];
  Runtime.install({
    logger: new SdkLogger(logger ?? createLogger({ level, name: 'temporal' }), sdkLevel),
    telemetryOptions: {
      // Forwarded instead of printed by Rust on its own (coloured, multi-line) beside Docket's lines.
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: sdkLevel, other: 'ERROR' }) },
      ...(metricsAddress
        ? {
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
          }
        : {}),
    },
  });
}

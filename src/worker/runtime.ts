import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Config } from '../config.js';

const SDK_LEVEL: Record<Config['logLevel'], LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/**
 * Installs the Temporal SDK runtime once per process, before any connection. The SDK's own lifecycle chatter is
 * kept at WARN unless Docket logs at debug or trace.
 */
export function installRuntime(level: Config['logLevel']): void {
  Runtime.install({ logger: new DefaultLogger(SDK_LEVEL[level]) });
}

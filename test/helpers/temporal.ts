import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { TASK_QUEUE_ARGS } from '../../src/dev/temporal-dev-server.js';
import { SA } from '../../src/shared/search-attributes.js';

export interface TestTemporalOptions {
  /** Persist to this SQLite file (`--db-filename`), e.g. to look at what the server stores. @default in memory */
  dbFilename?: string;
}

/** A real Temporal dev server (the installed `temporal` CLI) on free ports, with Docket's search attributes. */
export async function startTemporal(options: TestTemporalOptions = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalCli() },
      ip: '127.0.0.1',
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      searchAttributes: Object.values(SA),
      extraArgs: ['--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true', ...TASK_QUEUE_ARGS],
    },
  });
}

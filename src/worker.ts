import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { createOpenAIClient } from './llm/client.js';
import { createLogger } from './logger.js';
import { createWorkers } from './worker/create-workers.js';
import { installRuntime } from './worker/runtime.js';

/** `npm run worker`: one worker process against external Temporal, PostgreSQL and LLM endpoints. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'docket-worker' });
  installRuntime(config.logLevel, config.metricsAddress);
  if (!config.databaseUrl)
    throw new ConfigError('DATABASE_URL is required for a standalone worker (npm start embeds one)');
  if (!config.openai.apiKey && !config.openai.baseUrl) {
    throw new ConfigError(
      'set OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible endpoint); npm start runs a simulator',
    );
  }
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const workers = await createWorkers({
    connection,
    config,
    pool,
    openai: createOpenAIClient({ ...config.openai }),
    logger,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => workers.shutdown());
  logger.info({ temporal: config.temporal.address, namespace: config.temporal.namespace }, 'worker started');
  await workers.run();
  await connection.close();
  await pool.end();
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

import { ConfigError, loadConfig, requirePayloadKeys } from './config.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { createOpenAIClient } from './llm/client.js';
import { createLogger } from './logger.js';
import { startTracing } from './telemetry/index.js';
import { connectWorker } from './temporal-connection.js';
import { createWorkers } from './worker/create-workers.js';
import { installRuntime } from './worker/runtime.js';

/** `npm run worker`: one worker process against external Temporal, PostgreSQL and LLM endpoints. */
async function main(): Promise<void> {
  const config = loadConfig();
  requirePayloadKeys(config);
  const logger = createLogger({ level: config.logLevel, name: 'docket-worker' });
  installRuntime(config.logLevel, config.metricsAddress);
  if (!config.databaseUrl)
    throw new ConfigError('DATABASE_URL is required for a standalone worker (npm start embeds one)');
  if (!config.openai.apiKey && !config.openai.baseUrl) {
    throw new ConfigError(
      'set OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible endpoint); npm start runs a simulator',
    );
  }
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER ask for it.
  const tracing = startTracing('docket-worker');
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl);
  const connection = await connectWorker(config.temporal);
  const workers = await createWorkers({
    connection,
    config,
    pool,
    openai: createOpenAIClient({ ...config.openai }),
    logger,
    tracing,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => workers.shutdown());
  logger.info(
    { temporal: config.temporal.address, namespace: config.temporal.namespace, tracing: tracing !== undefined },
    'worker started',
  );
  await workers.run();
  await connection.close();
  await pool.end();
  await tracing?.shutdown();
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

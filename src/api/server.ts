import { ensureConfiguredCanary } from '../canary/start.js';
import { createDataConverter } from '../codec/data-converter.js';
import { ConfigError, loadConfig, requirePayloadKeys } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { startTracing, tracingClientInterceptors } from '../telemetry/index.js';
import { connectClient } from '../temporal-connection.js';
import { startApi } from './serve.js';

/** `npm run api`: the HTTP API and review page against external Temporal and PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.api.tokens?.length) {
    throw new ConfigError(
      'DOCKET_API_TOKENS is not set: the API refuses to start without tokens (name:role:token,...)',
    );
  }
  requirePayloadKeys(config);
  if (!config.databaseUrl)
    throw new ConfigError('DATABASE_URL is required for a standalone API (npm start embeds one)');
  const logger = createLogger({ level: config.logLevel, name: 'docket-api' });
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER ask for it.
  const tracing = startTracing('docket-api');
  await migrate(config.databaseUrl);
  const pool = createPool(config.databaseUrl);
  await ensureConfiguredCanary(pool, config);
  const { connection, client } = await connectClient(config.temporal, {
    dataConverter: createDataConverter(config.payload),
    ...(tracing ? { interceptors: tracingClientInterceptors() } : {}),
  });
  const api = await startApi(
    { pool, client, config, logger },
    { host: config.api.host, port: config.api.port, tracing },
  );
  logger.info({ url: api.url, tracing: tracing !== undefined }, 'API listening');
  const stop = async () => {
    await api.close();
    await connection.close();
    await pool.end();
    await tracing?.shutdown();
    logger.info('API stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

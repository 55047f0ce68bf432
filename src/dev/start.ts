import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureConfiguredCanary } from '../api/routing.js';
import { startApi, type RunningApi } from '../api/serve.js';
import { createDataConverter } from '../codec/data-converter.js';
import { devPayloadKeys, parsePayloadKeys } from '../codec/payload-keys.js';
import { loadConfig, type Config } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createOpenAIClient } from '../llm/client.js';
import { createLogger } from '../logger.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { startTracing, tracingClientInterceptors } from '../telemetry/index.js';
import { connectClient, connectWorker } from '../temporal-connection.js';
import { createWorkers } from '../worker/create-workers.js';
import { installRuntime } from '../worker/runtime.js';
import { devTokens } from './dev-tokens.js';
import { findTemporalCli } from './temporal-cli.js';
import { startTemporalDevServer, type DevServer } from './temporal-dev-server.js';

/**
 * `npm start` / `docket dev`: the whole product on one machine with no external service and no key. Each
 * embedded part is replaced by the real one when its variable is set (TEMPORAL_ADDRESS, DATABASE_URL,
 * OPENAI_API_KEY / OPENAI_BASE_URL). Ctrl-C or SIGTERM stops everything; `.data/` keeps the state.
 */
export async function runDev(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const base = loadConfig(env);
  const logger = createLogger({ level: base.logLevel, name: 'docket' });
  const metricsAddress = base.metricsAddress ?? '127.0.0.1:9464';
  installRuntime(base.logLevel, metricsAddress);
  const dataDir = resolve(base.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping Docket…');
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    }
    console.log('stopped.');
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    // Off unless OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER ask for it; flushed last, after the workers.
    const tracing = startTracing('docket');
    if (tracing) cleanups.push(() => tracing.shutdown());
    let temporal: DevServer | undefined;
    if (!base.temporal.addressConfigured) {
      temporal = await startTemporalDevServer({
        cli: findTemporalCli(env),
        dbFilename: join(dataDir, 'temporal.db'),
        port: base.dev.temporalPort,
        uiPort: base.dev.uiPort,
        codecEndpoint: devCodecEndpoint(base),
      });
      cleanups.push(() => temporal!.stop());
    }
    let embedded: EmbeddedPostgres | undefined;
    if (!base.databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg') });
      cleanups.push(() => embedded!.close());
    }
    const databaseUrl = base.databaseUrl ?? embedded!.url;
    await migrate(databaseUrl);

    let simulator: Simulator | undefined;
    if (!base.openai.apiKey && !base.openai.baseUrl) {
      simulator = await startSimulator();
      cleanups.push(() => simulator!.close());
    }

    const tokens = base.api.tokens ?? devTokens(dataDir);
    const config: Config = {
      ...base,
      // The embedded dev server listens in plain text on its own address, whatever a profile says about TLS.
      temporal: temporal
        ? { address: temporal.address, namespace: base.temporal.namespace, addressConfigured: true }
        : base.temporal,
      databaseUrl,
      openai: simulator ? { ...base.openai, apiKey: 'sk-docket-simulator', baseUrl: simulator.baseUrl } : base.openai,
      api: { ...base.api, tokens },
      webUiUrl: temporal?.uiUrl ?? base.webUiUrl,
      // Encryption on by default: without configured keys, a dev key kept beside the data it encrypts.
      payload:
        base.payload.keys.length > 0 || !base.payload.encrypt
          ? base.payload
          : { encrypt: true, keys: parsePayloadKeys(devPayloadKeys(join(dataDir, 'payload-keys'))) },
    };

    const pool = createPool(databaseUrl);
    cleanups.push(() => pool.end());
    await ensureConfiguredCanary(pool, config);
    const nativeConnection = await connectWorker(config.temporal);
    cleanups.push(() => nativeConnection.close());
    const workers = await createWorkers({
      connection: nativeConnection,
      config,
      pool,
      openai: createOpenAIClient(config.openai),
      logger,
      tracing,
    });
    const workersDone = workers.run();
    cleanups.push(async () => {
      workers.shutdown();
      await workersDone;
    });
    workersDone.catch((err: unknown) => {
      logger.error({ err }, 'worker failed');
      void stop(1);
    });

    const { connection, client } = await connectClient(config.temporal, {
      dataConverter: createDataConverter(config.payload),
      ...(tracing ? { interceptors: tracingClientInterceptors() } : {}),
    });
    cleanups.push(() => connection.close());
    const api: RunningApi = await startApi(
      { pool, client, config, logger },
      { host: config.api.host, port: config.api.port, tracing },
    );
    cleanups.push(() => api.close());

    printBanner({
      config,
      api,
      temporal,
      embedded,
      simulator,
      tokensGenerated: !base.api.tokens,
      dataDir,
      metricsAddress,
      tracing: tracing !== undefined,
    });
  } catch (err) {
    console.error(`Docket could not start: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

/** The API's codec endpoint as the browser reaches it; none when the API's port is picked at start (PORT=0). */
function devCodecEndpoint(config: Config): string | undefined {
  if (config.api.port === 0) return undefined;
  const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? '127.0.0.1' : config.api.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.api.port}/codec`;
}

function printBanner(p: {
  config: Config;
  api: RunningApi;
  temporal?: DevServer;
  embedded?: EmbeddedPostgres;
  simulator?: Simulator;
  tokensGenerated: boolean;
  dataDir: string;
  metricsAddress: string;
  tracing: boolean;
}): void {
  const lines = [
    '',
    'Docket is running.',
    `  API            ${p.api.url}   (OpenAPI: ${p.api.url}/openapi.json)`,
    `  Review page    ${p.api.url}/review`,
    `  Temporal       ${p.config.temporal.address}${p.temporal ? ' (embedded dev server)' : ''}`,
    `  Temporal UI    ${p.config.webUiUrl}   (review queue: DocketStatus="pending_review")`,
    `  Database       ${p.embedded ? `${p.embedded.url} (embedded PGlite, data in ${join(p.dataDir, 'pg')})` : 'DATABASE_URL'}`,
    `  Metrics        http://${p.metricsAddress}/metrics   (Prometheus)`,
    `  Tracing        ${p.tracing ? 'OpenTelemetry (OTEL_* variables)' : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to export traces)'}`,
    `  LLM            ${p.simulator ? `${p.simulator.baseUrl} (simulator)` : (p.config.openai.baseUrl ?? 'OpenAI')}, model ${p.config.llm.model}`,
  ];
  if (p.tokensGenerated) {
    lines.push('', `  Dev tokens (also in ${join(p.dataDir, 'dev-tokens.json')}):`);
    for (const t of p.config.api.tokens ?? []) lines.push(`    ${t.role.padEnd(10)} ${t.token}`);
  }
  if (p.simulator) {
    lines.push(
      '',
      '  ************************************************************************',
      '  *  RESULTS ARE SIMULATED: no OPENAI_API_KEY or OPENAI_BASE_URL is set,  *',
      '  *  so an offline simulator answers instead of a real model.             *',
      '  ************************************************************************',
    );
  }
  lines.push('', '  Try:  npx docket submit README.md --wait', '  Stop: Ctrl-C', '');
  console.log(lines.join('\n'));
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApi, type RunningApi } from '../api/serve.js';
import { ensureConfiguredCanary } from '../canary/start.js';
import { createDataConverter } from '../codec/data-converter.js';
import { devPayloadKeys, parsePayloadKeys } from '../codec/payload-keys.js';
import { CliError } from '../cli/exit-codes.js';
import { loadConfig, type Config } from '../config.js';
import { latestCanary } from '../db/canary.js';
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
import { watchLaunchers } from './launchers.js';
import { formatBanner } from './banner.js';
import { devTokens } from './dev-tokens.js';
import { logLines } from './log-lines.js';
import { readPidFile, removePidFile, writePidFile } from './pid-file.js';
import { checkPorts, isAlive, PortsInUseError, type WantedPort } from './ports.js';
import { findTemporalCli } from './temporal-cli.js';
import { startTemporalDevServer, type DevServer } from './temporal-dev-server.js';

/** How long in-flight LLM calls may finish when `npm start` stops, unless DOCKET_SHUTDOWN_GRACE_MS says otherwise. */
const DEV_SHUTDOWN_GRACE_MS = 20_000;

/** One step of stopping; `done` is printed once it has run (nothing for the quiet ones). */
interface Cleanup {
  run(): Promise<void>;
  done?: string;
}

/**
 * `npm start` / `docket dev`: the whole product on one machine with no external service and no key. Each
 * embedded part is replaced by the real one when its variable is set (TEMPORAL_ADDRESS, DATABASE_URL,
 * OPENAI_API_KEY / OPENAI_BASE_URL). Ctrl-C or SIGTERM stops everything in order (the API, then the worker once its
 * calls in flight have finished, then the Temporal server and the database); `.data/` keeps the state. Every port is
 * checked before anything starts, and nothing outlives Docket: the Temporal server dies with it even on SIGKILL.
 */
export async function runDev(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const base = loadConfig(env);
  const logger = createLogger({ level: base.logLevel, name: 'docket' }, logLines());
  const metricsAddress = base.metricsAddress ?? '127.0.0.1:9464';
  const dataDir = resolve(base.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const stale = await stopStaleTemporal(dataDir);
  if (stale) console.log(stale);
  try {
    await checkPorts(devPorts(base, env, metricsAddress), dataDir);
  } catch (err) {
    if (err instanceof PortsInUseError) throw new CliError(err.message);
    throw err;
  }
  // Binds the metrics port: after the check, so a taken port is reported above instead of by the exporter.
  installRuntime(base.logLevel, metricsAddress, logger);
  const pidRecord = { pid: process.pid, apiUrl: `http://${base.api.host}:${base.api.port}`, startedAt: nowIso() };
  writePidFile(dataDir, pidRecord);

  const cleanups: Cleanup[] = [{ run: async () => removePidFile(dataDir) }];
  let stopping = false;
  const stop = async (code: number, why?: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstopping Docket${why ? ` (${why})` : ''}…`);
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.run();
        if (cleanup.done) console.log(`  ${cleanup.done}`);
      } catch (err) {
        logger.error({ err }, 'error while stopping');
      }
    }
    console.log('stopped.');
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C reaches every process of the terminal's group (npm, sh, tsx relays it again), and a
  // second delivery must not kill Docket halfway through draining.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  watchLaunchers((pid) => void stop(0, `npm start (pid ${pid}) has exited`));

  try {
    // Off unless OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER ask for it; flushed last, after the workers.
    const tracing = startTracing('docket');
    if (tracing) cleanups.push({ run: () => tracing.shutdown() });
    let temporal: DevServer | undefined;
    let temporalCli: string | undefined;
    if (!base.temporal.addressConfigured) {
      temporalCli = findTemporalCli(env);
      temporal = await startTemporalDevServer({
        cli: temporalCli,
        dbFilename: join(dataDir, 'temporal.db'),
        port: base.dev.temporalPort,
        uiPort: base.dev.uiPort,
        codecEndpoint: devCodecEndpoint(base),
      });
      writePidFile(dataDir, { ...pidRecord, temporalGroup: temporal.child.pid });
      cleanups.push({ run: () => temporal!.stop(), done: 'Temporal dev server stopped' });
    }
    let embedded: EmbeddedPostgres | undefined;
    if (!base.databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg') });
      cleanups.push({ run: () => embedded!.close(), done: 'database closed' });
    }
    const databaseUrl = base.databaseUrl ?? embedded!.url;
    await migrate(databaseUrl);

    let simulator: Simulator | undefined;
    if (!base.openai.apiKey && !base.openai.baseUrl) {
      simulator = await startSimulator();
      cleanups.push({ run: () => simulator!.close() });
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
      metricsAddress,
      ...(simulator ? { simulated: true } : {}),
      shutdownGraceMs: base.shutdownGraceMs ?? DEV_SHUTDOWN_GRACE_MS,
    };

    const pool = createPool(databaseUrl);
    cleanups.push({ run: () => pool.end() });
    await ensureConfiguredCanary(pool, config);
    const nativeConnection = await connectWorker(config.temporal);
    cleanups.push({ run: () => nativeConnection.close() });
    const workers = await createWorkers({
      connection: nativeConnection,
      config,
      pool,
      openai: createOpenAIClient(config.openai),
      logger,
      tracing,
    });
    const workersDone = workers.run();
    cleanups.push({
      run: async () => {
        console.log(`  worker draining (calls in flight get up to ${Math.round(config.shutdownGraceMs! / 1000)} s)…`);
        workers.shutdown();
        await workersDone;
      },
      done: 'worker stopped',
    });
    workersDone.catch((err: unknown) => {
      logger.error({ err }, 'worker failed');
      void stop(1, 'the worker failed');
    });

    const { connection, client } = await connectClient(config.temporal, {
      dataConverter: createDataConverter(config.payload),
      ...(tracing ? { interceptors: tracingClientInterceptors() } : {}),
    });
    cleanups.push({ run: () => connection.close() });
    const api: RunningApi = await startApi(
      { pool, client, config, logger },
      { host: config.api.host, port: config.api.port, tracing },
    );
    cleanups.push({ run: () => api.close(), done: 'API stopped' });
    writePidFile(dataDir, { ...pidRecord, apiUrl: api.url, temporalGroup: temporal?.child.pid });

    console.log(
      formatBanner({
        config,
        api,
        temporal,
        temporalCli,
        embedded,
        simulator,
        canary: await latestCanary(pool),
        tokensGenerated: !base.api.tokens,
        dataDir,
        metricsAddress,
        tracing: tracing !== undefined,
      }),
    );
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

/** Every fixed port `npm start` will listen on (PGlite and the simulator take free ones). */
function devPorts(config: Config, env: NodeJS.ProcessEnv, metricsAddress: string): WantedPort[] {
  const host = '127.0.0.1';
  const [metricsHost = host, metricsPort = '9464'] = metricsAddress.split(':');
  const ports: WantedPort[] = [];
  if (!config.temporal.addressConfigured) {
    ports.push(
      { name: 'Temporal dev server', host, port: config.dev.temporalPort, variable: 'DOCKET_DEV_TEMPORAL_PORT' },
      { name: 'Temporal Web UI', host, port: config.dev.uiPort, variable: 'DOCKET_DEV_UI_PORT' },
    );
  }
  if (config.api.port !== 0)
    ports.push({ name: 'API', host: config.api.host, port: config.api.port, variable: 'PORT' });
  ports.push({ name: 'metrics', host: metricsHost, port: Number(metricsPort), variable: 'DOCKET_METRICS_ADDRESS' });
  return ports;
}

/**
 * A Temporal dev server whose Docket is gone (killed in a way its watchdog did not see, e.g. the watchdog killed too)
 * would hold port 7233 forever: stop its process group, recorded in the pid file, before checking the ports.
 */
async function stopStaleTemporal(dataDir: string): Promise<string | undefined> {
  const record = readPidFile(dataDir);
  const group = record?.temporalGroup;
  if (!record || group === undefined || isAlive(record.pid) || !groupAlive(group)) return undefined;
  process.kill(-group, 'SIGTERM');
  for (let i = 0; i < 50 && groupAlive(group); i++) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(group)) process.kill(-group, 'SIGKILL');
  return `Stopped a Temporal dev server left running by a Docket that was killed (pid ${record.pid}).`;
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

function nowIso(): string {
  return new Date().toISOString();
}

import { existsSync, readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { Client, Connection, type ClientOptions, type DataConverter, type TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import type { NativeConnection } from '@temporalio/worker';

/**
 * Where and how to reach Temporal, resolved from Temporal's standard client configuration: the `TEMPORAL_*`
 * variables over a TOML profile (`TEMPORAL_CONFIG_FILE`, `TEMPORAL_PROFILE`), exactly as the `temporal` CLI reads
 * them. Certificate files are read once, at start-up.
 */
export interface TemporalConfig {
  /** host:port of the frontend. @default localhost:7233 */
  address: string;
  /** @default default */
  namespace: string;
  /** Whether TEMPORAL_ADDRESS or a profile named an address (`npm start` runs a dev server otherwise). */
  addressConfigured: boolean;
  /** Sent as `Authorization: Bearer <key>` (Temporal Cloud API keys); turns TLS on. */
  apiKey?: string;
  /** `true`: TLS with the system's roots; an object: a custom CA, server name or client certificate (mTLS). */
  tls?: TLSConfig | boolean;
  /** Extra gRPC headers (`TEMPORAL_GRPC_META_*` or a profile's `grpc_meta`). */
  metadata?: Record<string, string>;
}

/** A configuration problem found while resolving the Temporal connection; the message names the variable. */
export class TemporalConfigError extends Error {
  override name = 'TemporalConfigError';
}

const DEFAULT_ADDRESS = 'localhost:7233';
const DEFAULT_NAMESPACE = 'default';

/** The variable or profile key each TLS file comes from, to name it when the file cannot be used. */
const TLS_FILES = {
  serverCACert: { variable: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', key: 'tls.server_ca_cert_path', pem: 'CERTIFICATE' },
  clientCert: { variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH', key: 'tls.client_cert_path', pem: 'CERTIFICATE' },
  clientKey: { variable: 'TEMPORAL_TLS_CLIENT_KEY_PATH', key: 'tls.client_key_path', pem: 'PRIVATE KEY' },
} as const;

/**
 * Resolves Temporal's client configuration from `env` (never `process.env` itself: entry points pass it in).
 * @throws TemporalConfigError naming the variable when a profile, config file or certificate cannot be used
 */
export function loadTemporalConfig(env: NodeJS.ProcessEnv): TemporalConfig {
  const vars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  if (vars.TEMPORAL_CONFIG_FILE && !existsSync(vars.TEMPORAL_CONFIG_FILE)) {
    throw new TemporalConfigError(`TEMPORAL_CONFIG_FILE: "${vars.TEMPORAL_CONFIG_FILE}" does not exist`);
  }
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars });
  } catch (err) {
    const where = vars.TEMPORAL_PROFILE ? `TEMPORAL_PROFILE "${vars.TEMPORAL_PROFILE}"` : 'TEMPORAL_CONFIG_FILE';
    throw new TemporalConfigError(`${where}: ${(err as Error).message}`);
  }
  const tls = resolveTls(profile, vars);
  return {
    address: profile.address ?? DEFAULT_ADDRESS,
    namespace: profile.namespace ?? DEFAULT_NAMESPACE,
    addressConfigured: profile.address !== undefined,
    ...(profile.apiKey ? { apiKey: profile.apiKey } : {}),
    // An API key without a TLS setting means TLS, as in every Temporal SDK: Temporal Cloud only accepts keys over TLS.
    ...(tls !== undefined ? { tls } : profile.apiKey ? { tls: true } : {}),
    ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length > 0 ? { metadata: profile.grpcMeta } : {}),
  };
}

function resolveTls(profile: ClientConfigProfile, vars: Record<string, string>): TLSConfig | boolean | undefined {
  const tls = profile.tls;
  if (tls === undefined) return undefined;
  if (tls.disabled === true) return false;
  const read = (field: keyof typeof TLS_FILES) => readTlsFile(field, tls[field], vars);
  const crt = read('clientCert');
  const key = read('clientKey');
  if ((crt === undefined) !== (key === undefined)) {
    throw new TemporalConfigError(
      'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH: mutual TLS needs both the certificate and its key',
    );
  }
  const serverRootCACertificate = read('serverCACert');
  const config: TLSConfig = {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(serverRootCACertificate ? { serverRootCACertificate } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
  return Object.keys(config).length > 0 ? config : true;
}

/** Reads one PEM file of the TLS settings; a missing, unreadable or non-PEM file names where its path came from. */
function readTlsFile(
  field: keyof typeof TLS_FILES,
  source: ConfigDataSource | undefined,
  vars: Record<string, string>,
): Uint8Array | undefined {
  if (source === undefined) return undefined;
  const { variable, key, pem } = TLS_FILES[field];
  if (!('path' in source)) return typeof source.data === 'string' ? Buffer.from(source.data) : source.data;
  const origin = vars[variable] === source.path ? variable : `${key} of the Temporal profile`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(source.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
    throw new TemporalConfigError(`${origin}: "${source.path}" ${reason}`);
  }
  if (!bytes.toString('latin1').includes(`-----BEGIN `) || !bytes.toString('latin1').includes(pem)) {
    throw new TemporalConfigError(`${origin}: "${source.path}" is not a PEM file holding a ${pem.toLowerCase()}`);
  }
  return bytes;
}

/** The options `Connection.connect` and `NativeConnection.connect` share. */
function connectOptions(config: TemporalConfig) {
  return {
    address: config.address,
    ...(config.tls !== undefined ? { tls: config.tls } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(config.metadata ? { metadata: config.metadata } : {}),
  };
}

/** Options of a Docket client beside the connection. */
export interface TemporalClientOptions {
  /** Encrypts what the client writes and decrypts what it reads (from `createDataConverter`). */
  dataConverter: DataConverter;
  interceptors?: ClientOptions['interceptors'];
  /** How long to wait for the first connection. @default 10 s (the SDK's) */
  connectTimeoutMs?: number;
}

/** A client connection and a `Client` on the configured namespace; close the connection when done. */
export async function connectClient(
  config: TemporalConfig,
  options: TemporalClientOptions,
): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({
    ...connectOptions(config),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeout: options.connectTimeoutMs } : {}),
  }).catch(async (err: unknown) => {
    throw await explainedConnectError(config, err);
  });
  const client = new Client({
    connection,
    namespace: config.namespace,
    dataConverter: options.dataConverter,
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
  return { connection, client };
}

/** A worker connection; the worker package is loaded here only, so API and CLI processes never load it. */
export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  return NativeConnection.connect(connectOptions(config)).catch(async (err: unknown) => {
    throw await explainedConnectError(config, err);
  });
}

/**
 * The error of a failed connection, with the reason of a failed TLS handshake when there is one: grpc-js reports it
 * as a bare deadline and the worker's core as whatever the socket did first (a broken pipe, or the TLS alert), so one
 * handshake of our own says what went wrong, the same way every time.
 */
async function explainedConnectError(config: TemporalConfig, err: unknown): Promise<TemporalConnectError> {
  const handshake = config.tls ? await tlsHandshakeProblem(config) : undefined;
  return connectError(config, handshake ? new Error(`TLS handshake failed: ${handshake}`, { cause: err }) : err);
}

/** Why a TLS handshake with the configured CA, server name and client certificate fails; undefined if it succeeds. */
function tlsHandshakeProblem(config: TemporalConfig): Promise<string | undefined> {
  const tls = typeof config.tls === 'object' ? config.tls : {};
  const colon = config.address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: config.address.slice(0, colon),
      port: Number(config.address.slice(colon + 1)),
      ALPNProtocols: ['h2'],
      ...(tls.serverNameOverride ? { servername: tls.serverNameOverride } : {}),
      ...(tls.serverRootCACertificate ? { ca: Buffer.from(tls.serverRootCACertificate) } : {}),
      ...(tls.clientCertPair
        ? { cert: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) }
        : {}),
      timeout: 3_000,
    });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    // A server that wants a client certificate only says so once the client has read the server's reply.
    socket.once('secureConnect', () => socket.once('data', () => done(undefined)).write(''));
    socket.once('error', (err) => done(err.message));
    socket.once('timeout', () => done(undefined));
    socket.once('end', () => done(undefined));
  });
}

/** Raised when Temporal cannot be reached; the message says where Docket tried and which settings to check. */
export class TemporalConnectError extends Error {
  override name = 'TemporalConnectError';
}

function connectError(config: TemporalConfig, err: unknown): TemporalConnectError {
  const cause = err instanceof Error ? err.message : String(err);
  const hint = config.tls
    ? 'check TEMPORAL_TLS_SERVER_CA_CERT_PATH (the CA that signed the server certificate), TEMPORAL_TLS_SERVER_NAME ' +
      'and, for mutual TLS, TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH'
    : 'check TEMPORAL_ADDRESS, and set TEMPORAL_TLS=true if the server expects TLS';
  return new TemporalConnectError(
    `cannot connect to Temporal at ${config.address}${config.tls ? ' over TLS' : ''}: ${cause} (${hint})`,
    { cause: err },
  );
}

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import protos from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { connectClient, connectWorker, loadTemporalConfig } from '../../src/temporal-connection.js';
import { generateCertificates, type TestCertificates } from '../helpers/certificates.js';
import { startTemporal } from '../helpers/temporal.js';
import { startTlsProxy, type TlsProxy } from '../helpers/tls-proxy.js';

/** These tests are about the connection: no payload goes through the converter. */
const PLAIN = createDataConverter({ encrypt: false, keys: [] });

/** Connects a client and a worker connection with `env`, proves both reach the server, and closes them. */
async function connectBoth(env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadTemporalConfig(env);
  const { connection, client } = await connectClient(config, { dataConverter: PLAIN, connectTimeoutMs: 5_000 });
  try {
    const { namespaceInfo } = await client.workflowService.describeNamespace({ namespace: 'default' });
    assert.equal(namespaceInfo?.name, 'default');
  } finally {
    await connection.close();
  }
  const native = await connectWorker(config);
  await native.close();
}

describe('the Temporal connection module', () => {
  let certs: TestCertificates;
  let server: TestWorkflowEnvironment;
  let tls: TlsProxy;
  let mtls: TlsProxy;

  before(async () => {
    certs = generateCertificates();
    server = await startTemporal();
    [tls, mtls] = await Promise.all([
      startTlsProxy(server.address, certs),
      startTlsProxy(server.address, certs, { requireClientCert: true }),
    ]);
  });
  after(async () => {
    await Promise.allSettled([tls?.close(), mtls?.close()]);
    await server?.teardown();
    certs?.remove();
  });

  it('connects a client and a worker over TLS with the CA and server name of TEMPORAL_TLS_*', async () => {
    const before = tls.peers.length;
    await connectBoth({
      TEMPORAL_ADDRESS: tls.address,
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    });
    assert.ok(tls.peers.length >= before + 2, `the TLS proxy saw ${tls.peers.length - before} connections`);
  });

  it('presents the client certificate to a server that requires mutual TLS', async () => {
    await connectBoth({
      TEMPORAL_ADDRESS: mtls.address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    });
    assert.ok(mtls.peers.filter((cn) => cn === 'docket-worker').length >= 2, JSON.stringify(mtls.peers));
  });

  it('is refused by a mutual-TLS server without a client certificate, with an error that says so', async () => {
    const config = loadTemporalConfig({
      TEMPORAL_ADDRESS: mtls.address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    });
    await assert.rejects(
      connectClient(config, { dataConverter: PLAIN, connectTimeoutMs: 3_000 }),
      /TLS handshake failed: .*certificate required/i,
    );
    await assert.rejects(connectWorker(config), /TLS handshake failed: .*certificate required/i);
  });

  it('refuses a server its CA did not sign, with an error that says so', async () => {
    const config = loadTemporalConfig({
      TEMPORAL_ADDRESS: tls.address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.otherCaCert,
    });
    await assert.rejects(connectClient(config, { dataConverter: PLAIN, connectTimeoutMs: 3_000 }), (err: Error) => {
      assert.match(err.message, new RegExp(`cannot connect to Temporal at ${tls.address} over TLS`));
      assert.match(err.message, /TLS handshake failed: unable to verify the first certificate/);
      assert.match(err.message, /check TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
      return true;
    });
    await assert.rejects(
      connectWorker(config),
      /TLS handshake failed: unable to verify the first certificate.*check TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
    );
  });

  it('reads the address, namespace and TLS files from a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE)', async () => {
    const file = join(certs.dir, 'temporal.toml');
    writeFileSync(
      file,
      [
        '[profile.default]',
        'address = "127.0.0.1:1"',
        '',
        '[profile.cloud]',
        `address = "${mtls.address}"`,
        'namespace = "default"',
        '[profile.cloud.tls]',
        `server_ca_cert_path = "${certs.caCert}"`,
        `client_cert_path = "${certs.clientCert}"`,
        `client_key_path = "${certs.clientKey}"`,
        '',
      ].join('\n'),
    );
    const env = { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' };
    assert.equal(loadTemporalConfig(env).address, mtls.address);
    await connectBoth(env);
    assert.throws(
      () => loadTemporalConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }),
      /TEMPORAL_PROFILE "prod"/,
    );
  });

  it('stops at start-up naming the variable when a certificate file is missing or not a certificate', () => {
    const missing = join(certs.dir, 'no-such-cert.pem');
    assert.throws(
      () =>
        loadConfig({
          TEMPORAL_ADDRESS: mtls.address,
          TEMPORAL_TLS_CLIENT_CERT_PATH: missing,
          TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
        }),
      (err: Error) =>
        err instanceof ConfigError &&
        err.message.includes('TEMPORAL_TLS_CLIENT_CERT_PATH') &&
        err.message.includes(missing) &&
        err.message.includes('does not exist'),
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(certs.dir, 'server.ext') }),
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH: ".*server\.ext" is not a PEM file/,
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert }),
      /TEMPORAL_TLS_CLIENT_KEY_PATH: mutual TLS needs both/,
    );
    assert.throws(() => loadConfig({ TEMPORAL_CONFIG_FILE: missing }), /TEMPORAL_CONFIG_FILE: ".*" does not exist/);
  });

  it('sends TEMPORAL_API_KEY on the wire as a bearer token, over TLS', async () => {
    const seen: string[] = [];
    const grpcServer = new grpc.Server();
    const Response = protos.temporal.api.workflowservice.v1.GetSystemInfoResponse;
    grpcServer.addService(
      {
        getSystemInfo: {
          path: '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
          requestStream: false,
          responseStream: false,
          requestSerialize: (value: Buffer) => value,
          requestDeserialize: (bytes: Buffer) => bytes,
          responseSerialize: (value: protos.temporal.api.workflowservice.v1.IGetSystemInfoResponse) =>
            Buffer.from(Response.encode(value).finish()),
          responseDeserialize: (bytes: Buffer) => Response.decode(bytes),
        },
      },
      {
        getSystemInfo: (call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          seen.push(String(call.metadata.get('authorization')[0] ?? ''));
          callback(null, { serverVersion: 'recording' });
        },
      },
    );
    const { readFileSync } = await import('node:fs');
    const credentials = grpc.ServerCredentials.createSsl(null, [
      { cert_chain: readFileSync(certs.serverCert), private_key: readFileSync(certs.serverKey) },
    ]);
    const port = await new Promise<number>((resolve, reject) =>
      grpcServer.bindAsync('127.0.0.1:0', credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    try {
      const config = loadTemporalConfig({
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        TEMPORAL_API_KEY: 'docket-test-api-key',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      });
      assert.notEqual(config.tls, undefined, 'an API key turns TLS on');
      const { connection } = await connectClient(config, { dataConverter: PLAIN, connectTimeoutMs: 5_000 });
      await connection.close();
      const native = await connectWorker(config);
      await native.close();
      assert.ok(seen.length >= 2, `the server saw ${seen.length} calls`);
      for (const header of seen) assert.equal(header, 'Bearer docket-test-api-key');
    } finally {
      grpcServer.forceShutdown();
    }
  });
});

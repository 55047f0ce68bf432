import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { TestCertificates } from './certificates.js';

export interface TlsProxy {
  /** `127.0.0.1:<port>` */
  address: string;
  /** The client certificate's CN of every accepted connection (`null` without one), in order. */
  peers: (string | null)[];
  close(): Promise<void>;
}

/**
 * A TLS-terminating proxy in front of a plain-text Temporal frontend, as a load balancer or Temporal Cloud would
 * stand: it speaks HTTP/2 over TLS (ALPN h2) with the test's server certificate and pipes the bytes to `target`.
 * With `requireClientCert`, connections without a certificate signed by the test CA are refused (mutual TLS).
 */
export function startTlsProxy(
  target: string,
  certs: TestCertificates,
  options: { requireClientCert?: boolean } = {},
): Promise<TlsProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const peers: (string | null)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      key: readFileSync(certs.serverKey),
      cert: readFileSync(certs.serverCert),
      ALPNProtocols: ['h2'],
      ...(options.requireClientCert
        ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(certs.caCert) }
        : {}),
    },
    (tlsSocket: TLSSocket) => {
      const cn = tlsSocket.getPeerCertificate()?.subject?.CN;
      peers.push(typeof cn === 'string' ? cn : null);
      const upstream = connect(port, host);
      for (const s of [tlsSocket, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      tlsSocket.pipe(upstream).pipe(tlsSocket);
    },
  );
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: listening } = server.address() as AddressInfo;
      resolve({
        address: `127.0.0.1:${listening}`,
        peers,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

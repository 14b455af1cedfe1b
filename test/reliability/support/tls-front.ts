// A throwaway certificate authority and an HTTPS reverse proxy in front of an emulator, for the TLS cases.
// The CA and the server certificate (SAN IP:127.0.0.1) are made with `openssl` at test time; the proxy
// forwards every request to the plain-HTTP emulator and rewrites the emulator's own origin in answers (W&B file
// URLs, Neptune client config) to the HTTPS one, so a client that starts on HTTPS stays on it.
import { execFile } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  dir: string;
  /** PEM of the CA certificate: what NODE_EXTRA_CA_CERTS points at. */
  caFile: string;
  key: Buffer;
  cert: Buffer;
  remove(): Promise<void>;
}

/** A one-day CA and a server certificate for 127.0.0.1 signed by it (P-256 keys: fast to make). */
export async function makeTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(path.join(tmpdir(), 'def-rel-ca-'));
  const at = (name: string): string => path.join(dir, name);
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=reliability test CA',
    ]);
    await run('openssl', ['req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1']);
    await writeFile(at('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('server.pem'),
      '-days',
      '1',
      '-extfile',
      at('ext.cnf'),
    ]);
  } catch (error) {
    // A failed openssl step must not leave the half-made CA folder behind.
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    caFile: at('ca.pem'),
    key: await readFile(at('server.key')),
    cert: await readFile(at('server.pem')),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TlsFront {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** Requests forwarded, and TLS handshakes that failed (a client that does not trust the CA). */
  stats: { requests: number; handshakeFailures: number; connections: number };
  close(): Promise<void>;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startTlsFront(upstream: string, ca: TestCa): Promise<TlsFront> {
  const target = new URL(upstream);
  const stats = { requests: 0, handshakeFailures: 0, connections: 0 };
  let origin = '';
  const server: Server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    stats.requests += 1;
    void (async () => {
      const body = await readAll(req);
      const headers = { ...req.headers, host: target.host };
      delete headers['content-length'];
      const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
        const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, resolve);
        out.once('error', reject);
        out.end(body);
      });
      // Answers are small API bodies: rewrite the emulator's origin wherever it appears.
      const text = (await readAll(upstreamRes)).toString('latin1').split(target.origin).join(origin);
      const out = Buffer.from(text, 'latin1');
      const resHeaders = { ...upstreamRes.headers, 'content-length': String(out.length) };
      delete resHeaders['transfer-encoding'];
      if (typeof resHeaders.location === 'string') resHeaders.location = resHeaders.location.split(target.origin).join(origin);
      res.writeHead(upstreamRes.statusCode ?? 502, resHeaders);
      res.end(out);
    })().catch(() => res.destroy());
  });
  server.on('secureConnection', () => (stats.connections += 1));
  server.on('tlsClientError', () => (stats.handshakeFailures += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// TLS settings a source declares for its API origin (core/http/dispatcher.ts): a server with a certificate from
// a throwaway CA is refused by default, accepted with that CA or with verification off, and those settings never
// reach another origin. Also through an HTTPS proxy tunnel, and with a client certificate.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { request, type Dispatcher } from 'undici';
import { createDispatcher, DEFAULT_TRANSPORT, type OriginTls } from '../../../src/core/http/dispatcher.ts';
import { describeTlsFailure } from '../../../src/core/http/tls-trust.ts';
import { startForwardProxy, type ForwardProxy } from '../../reliability/support/forward-proxy.ts';
import { makeTestCa, type TestCa } from '../../reliability/support/tls-front.ts';

const run = promisify(execFile);

async function startServer(ca: TestCa, options: { requestCert?: boolean } = {}): Promise<{ origin: string; server: Server }> {
  const server = createServer(
    {
      key: ca.key,
      cert: ca.cert,
      ...(options.requestCert ? { requestCert: true, rejectUnauthorized: true, ca: await readFile(ca.caFile) } : {}),
    },
    (_req, res) => res.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function get(dispatcher: Dispatcher, url: string): Promise<string> {
  const res = await request(url, { dispatcher });
  return `${res.statusCode} ${await res.body.text()}`;
}

async function refusal(dispatcher: Dispatcher, url: string): Promise<string | undefined> {
  try {
    await get(dispatcher, url);
    return undefined;
  } catch (error) {
    return describeTlsFailure(error, new URL(url).host) ?? String(error);
  }
}

describe('TLS settings for one origin', () => {
  let ca: TestCa;
  let a: { origin: string; server: Server };
  let b: { origin: string; server: Server };
  const dispatchers: Dispatcher[] = [];
  const make = (tls?: OriginTls): Dispatcher => {
    const d = createDispatcher({ ...DEFAULT_TRANSPORT, connectTimeoutMs: 5000 }, tls);
    dispatchers.push(d);
    return d;
  };

  before(async () => {
    ca = await makeTestCa();
    a = await startServer(ca);
    b = await startServer(ca);
  });
  after(async () => {
    await Promise.all(dispatchers.map((d) => d.destroy()));
    for (const s of [a, b]) s.server.closeAllConnections();
    await Promise.all([a, b].map((s) => new Promise((resolve) => s.server.close(resolve))));
    await ca.remove();
  });

  it('refuses a certificate from an unknown CA by default', async () => {
    assert.match((await refusal(make(), `${a.origin}/`)) ?? 'accepted', /not trusted/);
  });

  it('accepts it with the CA file, for that origin only', async () => {
    const d = make({ origin: a.origin, ca: await readFile(ca.caFile, 'utf8') });
    assert.equal(await get(d, `${a.origin}/x`), '200 ok');
    assert.match((await refusal(d, `${b.origin}/x`)) ?? 'accepted', /not trusted/);
  });

  it('accepts it with verification off, for that origin only', async () => {
    const d = make({ origin: a.origin, insecure: true });
    assert.equal(await get(d, `${a.origin}/x`), '200 ok');
    assert.match((await refusal(d, `${b.origin}/x`)) ?? 'accepted', /not trusted/);
  });

  it('a CA file replaces the default trust: a certificate it did not sign is refused', async () => {
    const other = await makeTestCa();
    try {
      const d = make({ origin: a.origin, ca: await readFile(other.caFile, 'utf8') });
      assert.match((await refusal(d, `${a.origin}/`)) ?? 'accepted', /not trusted/);
    } finally {
      await other.remove();
    }
  });

  it('presents a client certificate to that origin', async () => {
    const strict = await startServer(ca, { requestCert: true });
    try {
      const at = (name: string): string => path.join(ca.dir, name);
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
      await run('openssl', ['req', ...ec, '-keyout', at('client.key'), '-out', at('client.csr'), '-subj', '/CN=client']);
      await writeFile(at('client.cnf'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
      await run(
        'openssl',
        ['x509', '-req', '-in', at('client.csr'), '-CA', ca.caFile, '-CAkey', at('ca.key'), '-CAcreateserial'].concat([
          '-out',
          at('client.pem'),
          '-days',
          '1',
          '-extfile',
          at('client.cnf'),
        ]),
      );
      const caPem = await readFile(ca.caFile, 'utf8');
      const without = make({ origin: strict.origin, ca: caPem });
      assert.notEqual(await refusal(without, `${strict.origin}/`), undefined, 'the server requires a client certificate');
      const withCert = make({
        origin: strict.origin,
        ca: caPem,
        cert: await readFile(at('client.pem'), 'utf8'),
        key: await readFile(at('client.key'), 'utf8'),
      });
      assert.equal(await get(withCert, `${strict.origin}/`), '200 ok');
    } finally {
      strict.server.closeAllConnections();
      await new Promise((resolve) => strict.server.close(resolve));
    }
  });

  describe('through an HTTPS proxy', () => {
    let proxy: ForwardProxy;
    before(async () => {
      proxy = await startForwardProxy();
      process.env.HTTPS_PROXY = proxy.url;
    });
    after(async () => {
      delete process.env.HTTPS_PROXY;
      await proxy.close();
    });

    it('applies the settings to the tunnelled session', async () => {
      const d = make({ origin: a.origin, ca: await readFile(ca.caFile, 'utf8') });
      assert.equal(await get(d, `${a.origin}/via-proxy`), '200 ok');
      assert.match((await refusal(d, `${b.origin}/via-proxy`)) ?? 'accepted', /not trusted/);
      assert.ok(
        proxy.records.some((r) => r.kind === 'connect' && r.target === new URL(a.origin).host),
        'the request went through the proxy',
      );
    });
  });
});

// Proxies: HTTP_PROXY / HTTPS_PROXY / NO_PROXY (and their lower-case forms) as undici's EnvHttpProxyAgent reads
// them (src/core/http.ts). It does not bypass loopback by itself — only NO_PROXY does — so the emulators on
// 127.0.0.x can stand for remote hosts. http:// targets are forwarded (absolute-URI requests), https:// targets
// tunnelled (CONNECT). A counting proxy shows which host went where; the tracker's credentials must never
// travel in a storage request, through the proxy or not, and proxy credentials never appear in the output.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { startForwardProxy } from './support/forward-proxy.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario, type CaseRun } from './support/harness.ts';
import { makeTestCa, startTlsFront, type TestCa } from './support/tls-front.ts';

const SUITE = 'proxies';
const hostOf = (target: string): string => target.replace(/:\d+$/, '');

function assertNoCredentialsToStorage(records: { target: string; headers: Record<string, unknown> }[]): void {
  for (const r of records) {
    if (hostOf(r.target) === '127.0.0.1') continue;
    for (const h of ['authorization', 'x-neptune-api-token', 'use-admin-privileges']) {
      assert.equal(r.headers[h], undefined, `'${h}' forwarded to ${r.target}`);
    }
  }
}

const viaProxy = (run: CaseRun, host: string): number => run.requests.filter((e) => hostOf(String(e.headers.host ?? '')) === host).length;

describe('HTTP(S)_PROXY and NO_PROXY', () => {
  let ca: TestCa;
  before(async () => {
    ca = await makeTestCa();
  });
  after(() => ca?.remove());

  it('HTTP_PROXY without NO_PROXY: every request (API and storage) goes through the proxy', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const proxy = await startForwardProxy();
    t.after(() => proxy.close());
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`), { env: { HTTP_PROXY: proxy.url } });
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    const byHost = (host: string) => proxy.records.filter((r) => r.kind === 'forward' && hostOf(r.target) === host).length;
    assert.equal(byHost('127.0.0.1'), run.requests.filter((e) => e.target === 'wandb-api').length);
    assert.equal(byHost('127.0.0.2'), Scenario.count(run, 'storage'));
    assert.equal(proxy.records.length, run.requests.length, 'nothing went around the proxy');
    assertNoCredentialsToStorage(proxy.records);
    assert.ok(viaProxy(run, '127.0.0.2') > 0);
  });

  it('http_proxy + no_proxy (lower case, as curl reads them): storage bypasses the proxy, the API does not', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const proxy = await startForwardProxy();
    t.after(() => proxy.close());
    // The upper-case proxy is dead: the lower-case one must win (undici reads http_proxy first).
    const env = { http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9', no_proxy: 'localhost,127.0.0.2' };
    const run = await s.run(s.neptune('rel/gcp'), { env });
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(proxy.records.filter((r) => hostOf(r.target) === '127.0.0.2').length, 0, 'storage went through the proxy');
    assert.equal(proxy.records.length, run.requests.filter((e) => e.target === 'neptune-api').length);
  });

  it('HTTPS_PROXY: the https API is tunnelled (CONNECT); http storage stays direct without HTTP_PROXY', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    assert.ok(s.em.neptune);
    const front = await startTlsFront(s.em.neptune.url, ca);
    const proxy = await startForwardProxy();
    t.after(async () => {
      await proxy.close();
      await front.close();
    });
    const run = await s.run(s.neptune('rel/gcp', { 'api-url': front.origin }), {
      env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.caFile },
    });
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    const tunnels = proxy.records.filter((r) => r.kind === 'connect');
    assert.ok(tunnels.length >= 1, 'no CONNECT');
    assert.ok(tunnels.every((r) => r.target === new URL(front.origin).host && r.status === 200));
    assert.equal(proxy.records.filter((r) => r.kind === 'forward').length, 0);
    assert.equal(front.stats.requests, run.requests.filter((e) => e.target === 'neptune-api').length);
  });

  it('a proxy that needs credentials: they work, and never show in the output', async (t) => {
    const fixture = wandbFixture({ runs: 1 });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const credentials = { user: 'ci-bot', password: 'proxy-pass-5e2c9a71d3' };
    const proxy = await startForwardProxy({ credentials });
    t.after(() => proxy.close());
    s.secrets.add(credentials.password);
    const withAuth = `http://${credentials.user}:${credentials.password}@127.0.0.1:${proxy.port}`;
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`), { env: { HTTP_PROXY: withAuth } });
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    assert.ok(proxy.records.length > 0 && proxy.records.every((r) => r.status !== 407));

    const refused = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`), {
      env: { HTTP_PROXY: `http://${credentials.user}:wrong-pass-0000@127.0.0.1:${proxy.port}` },
    });
    assert.equal(refused.code, 1);
    assert.equal(refused.errors.length, 1, refused.errors.join(' | '));
    assert.match(refused.errors[0] ?? '', /407/);
    s.figures.note = `407 → ${refused.errors[0]}`;
  });

  it('a proxy that is down: bounded retries, one error', async (t) => {
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: neptuneFixture({ provider: 'gcp' }) } });
    const run = await s.run(s.neptune('rel/gcp'), { env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' } });
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /oauth-token request .* kept failing \(5 attempts.*ECONNREFUSED/);
    assert.equal(run.requests.length, 0, 'nothing reached the tracker');
    s.figures.note = `error: ${run.errors[0]}`;
    await t.test('the message names the proxy', () => {
      assert.match(run.errors[0] ?? '', /proxy/i);
    });
  });
});

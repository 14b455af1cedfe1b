// TLS: the action trusts what Node trusts, so a private CA given in NODE_EXTRA_CA_CERTS works (a self-hosted
// tracker behind a corporate CA), and without it the run fails at once with a clear certificate error. The
// emulators sit behind an HTTPS reverse proxy on 127.0.0.1 whose certificate a throwaway CA signed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario } from './support/harness.ts';
import { makeTestCa, startTlsFront, type TestCa } from './support/tls-front.ts';

const SUITE = 'TLS';

describe('TLS and NODE_EXTRA_CA_CERTS', () => {
  let ca: TestCa;
  before(async () => {
    ca = await makeTestCa();
  });
  after(() => ca?.remove());

  it('Neptune over HTTPS with the CA in NODE_EXTRA_CA_CERTS → downloads complete', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    assert.ok(s.em.neptune);
    const front = await startTlsFront(s.em.neptune.url, ca);
    t.after(() => front.close());
    const run = await s.run(s.neptune('rel/gcp', { 'api-url': front.origin }), { env: { NODE_EXTRA_CA_CERTS: ca.caFile } });
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(front.stats.requests, run.requests.filter((e) => e.target === 'neptune-api').length, 'every API request went over TLS');
    assert.equal(front.stats.handshakeFailures, 0);
  });

  it('W&B over HTTPS (GraphQL and file redirects) with NODE_EXTRA_CA_CERTS → downloads complete', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    assert.ok(s.em.wandb);
    const front = await startTlsFront(s.em.wandb.url, ca);
    t.after(() => front.close());
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`, { 'api-url': front.origin }), { env: { NODE_EXTRA_CA_CERTS: ca.caFile } });
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    assert.equal(front.stats.requests, run.requests.filter((e) => e.target === 'wandb-api').length);
    assert.equal(Scenario.count(run, 'wandb-api', 'file'), 8, 'the file URLs were fetched through the HTTPS origin');
  });

  for (const backend of ['neptune', 'wandb'] as const) {
    it(`${backend}: without the CA → one clear certificate error, no retries`, async (t) => {
      const s = await Scenario.start(t, SUITE, {
        fixture: backend === 'neptune' ? { neptune: neptuneFixture({ provider: 'gcp' }) } : { wandb: wandbFixture() },
      });
      const upstream = backend === 'neptune' ? s.em.neptune?.url : s.em.wandb?.url;
      assert.ok(upstream);
      const front = await startTlsFront(upstream, ca);
      t.after(() => front.close());
      const inputs =
        backend === 'neptune'
          ? s.neptune('rel/gcp', { 'api-url': front.origin })
          : s.wandb(`${REL_WANDB_ENTITY}/rel`, { 'api-url': front.origin });
      const run = await s.run(inputs);
      assert.equal(run.code, 1);
      assert.equal(run.errors.length, 1, run.errors.join(' | '));
      assert.match(run.errors[0] ?? '', /certificate/i);
      s.figures.note = `error: ${run.errors[0]}`;
      assert.equal(front.stats.requests, 0);
      assert.ok(front.stats.handshakeFailures <= 1, `${front.stats.handshakeFailures} handshakes: a certificate error is not retried`);
      await t.test('the message says how to trust a private CA', () => {
        assert.match(run.errors[0] ?? '', /NODE_EXTRA_CA_CERTS/);
      });
    });
  }
});

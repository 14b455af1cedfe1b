// Case 4: signed storage URLs that expire, in each provider's own answer — GCS 400 ExpiredToken, S3 403
// "Request has expired", Azure 403 AuthenticationFailed, and W&B's redirect target (GCS-like) — injected on the
// first attempt of every file, and real expiry (a URL that outlives its TTL before the GET is served). The
// action must re-sign just that file (Neptune: one signing request per renewal, one file in it; W&B: one more
// redirect, no new GraphQL query) and carry on. A URL that expires on every attempt ends that file alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultRule, StorageProvider } from '../emulators/common/contracts.ts';
import { assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, neptuneIndex, wandbFixture, wandbIndex, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario, type CaseRun } from './support/harness.ts';

const SUITE = '4 signed-URL expiry';
const FILES = 18;
/** Real expiry needs the delayed answer to arrive: a read timeout longer than the delay. */
const PATIENT = { DOWNLOAD_EXPERIMENT_FILES_READ_TIMEOUT_MS: '5000' };

/** One `expire` per storage key: the first GET of every file meets an expired signature. */
function expireFirstAttempts(target: FaultRule['target'], keys: Iterable<string>): FaultRule[] {
  return [...new Set(keys)].map((key) => ({ target, pathIncludes: key, times: 1, action: { kind: 'expire' } }));
}

/**
 * Up-front batches (one, or two when a later file asks first: the batch starts at the first caller's place in
 * the download order), then exactly one signing request per renewal whose body names a single file. The log
 * has no bodies, but their sizes tell a one-file request from a batch.
 */
function assertResignedOneByOne(run: CaseRun, renewals: number): void {
  const signing = run.requests.filter((e) => e.target === 'neptune-api' && e.endpoint === 'signed-url');
  const sizes = signing.map((e) => Number(e.headers['content-length']));
  const single = Math.min(...sizes) * 1.5;
  assert.equal(sizes.filter((n) => n < single).length >= renewals, true, `one-file signing requests: ${sizes.join(', ')}`);
  assert.ok(
    signing.length >= renewals + 1 && signing.length <= renewals + 2,
    `${signing.length} signing requests for ${renewals} renewals`,
  );
}

const providers: [StorageProvider, FaultRule['target'], number, RegExp][] = [
  ['gcp', 'storage', 400, /ExpiredToken/],
  ['aws', 'storage', 403, /Request has expired/],
  ['azure', 'azure', 403, /AuthenticationFailed/],
];

describe('signed-URL expiry', () => {
  for (const [provider, target, status] of providers) {
    it(`Neptune ${provider}: every file's first URL has expired (HTTP ${status}) → re-signed one file at a time`, async (t) => {
      const fixture = neptuneFixture({ provider });
      const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
      const keys = [...neptuneIndex(fixture).values()].map((b) => b.key);
      for (const rule of expireFirstAttempts(target, keys)) s.em.faults.add(rule);
      const run = await s.run(s.neptune(`rel/${provider}`));
      assertSucceeded(run);
      await s.verify(run, neptuneExpectation(fixture));
      assert.equal(s.em.faults.injected.get('expire'), FILES);
      assert.equal(run.requests.filter((e) => e.target === target && e.status === status).length, FILES);
      assertResignedOneByOne(run, FILES);
      assert.equal(Scenario.count(run, target), 2 * FILES);
    });
  }

  it('Neptune gcp: real expiry — URLs that outlive their TTL while the GET is delayed', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp', experiments: 1 });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture }, urlTtlMs: 1000 });
    // The storage server checks the signature after the delay: 2.1 s > the 1-2 s a URL lives.
    s.em.faults.add({ target: 'storage', times: 3, action: { kind: 'delay', ms: 2100 } });
    const run = await s.run(s.neptune('rel/gcp'), { env: PATIENT });
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(run.requests.filter((e) => e.target === 'storage' && e.status === 400).length, 3);
    assertResignedOneByOne(run, 3);
  });

  it('W&B: the redirect target expired (400 ExpiredToken) → the file URL is fetched again, no new query', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const baseline = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    assertSucceeded(baseline);
    const queries = baseline.requests.filter((e) => e.target === 'wandb-api' && e.endpoint !== 'file').length;
    const keys = [...wandbIndex(fixture).values()].map((b) => b.key);
    for (const rule of expireFirstAttempts('storage', keys)) s.em.faults.add(rule);
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`, { overwrite: 'overwrite' }));
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    assert.equal(s.em.faults.injected.get('expire'), 8);
    assert.equal(Scenario.count(run, 'wandb-api', 'file'), 16, 'two redirects per file');
    assert.equal(run.requests.filter((e) => e.target === 'wandb-api' && e.endpoint !== 'file').length, queries, 'no extra GraphQL');
  });

  it('W&B: real expiry of the redirect target', async (t) => {
    const fixture = wandbFixture({ runs: 1 });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture }, urlTtlMs: 1000 });
    s.em.faults.add({ target: 'storage', times: 2, action: { kind: 'delay', ms: 2100 } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`), { env: PATIENT });
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    assert.equal(run.requests.filter((e) => e.target === 'storage' && e.status === 400).length, 2);
  });

  it('Neptune aws and W&B: a URL that expires on every attempt fails that file alone, after bounded renewals', async (t) => {
    const neptune = neptuneFixture({ provider: 'aws', experiments: 1 });
    const wandb = wandbFixture({ runs: 1 });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune, wandb } });
    s.em.faults.add({ target: 'storage', pathIncludes: 'model/weights.bin', times: Infinity, action: { kind: 'expire' } });
    s.em.faults.add({ target: 'storage', pathIncludes: 'model.ckpt', times: Infinity, action: { kind: 'expire' } });
    const failed = (r: { attribute: string }) =>
      r.attribute === 'model/weights.bin' || r.attribute === 'model.ckpt' ? 'failed' : 'downloaded';
    for (const [run, expect] of [
      [await s.run(s.neptune('rel/aws')), neptuneExpectation(neptune, { status: failed })],
      [await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`)), wandbExpectation(wandb, { status: failed })],
    ] as const) {
      assert.equal(run.code, 1);
      assert.equal(run.errors.length, 1, 'one error annotation');
      assert.match(
        run.errors[0] ?? '',
        /1 of \d+ files could not be downloaded:\n.*(model\/weights\.bin|model\.ckpt): gave up after \d+ attempts: storage answered HTTP (403|400)/,
      );
      const { manifest } = await s.verify(run, expect);
      assert.equal(manifest.totals.failed, 1);
      const gets = run.requests.filter(
        (e) => e.target === 'storage' && decodeURIComponent(e.path).match(/weights\.bin|model\.ckpt/),
      ).length;
      // 1 + 5 renewals, then the retry budget (5 attempts) is already spent.
      assert.equal(gets, 6);
    }
  });
});

// The fault matrix for W&B artifact downloads (docs/reliability.md): rate limits and server errors on the
// artifact GraphQL operations, the manifest, the entries' storage and the reference host; broken bodies; expired
// signed URLs (the download handler of wandb-artifacts.md §5.3, a fresh manifest URL, and a URL that never works);
// a missing blob; a key refused at the download handler; a reference host that never recovers. Every case runs
// the action and passes the harness's checks (bytes, no leftovers, no secret, no credential off the API host).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestRecord } from '../../src/core/report/manifest.ts';
import { assertSucceeded, assertWaited, httpDateIn, wandbArtifactExpectation } from './support/checks.ts';
import { contentMd5Base64 } from '../emulators/common/content.ts';
import {
  ENTRIES_PER_VERSION,
  identity,
  REL_ARTIFACT,
  REL_ARTIFACT_PROJECT,
  wandbArtifactFixture,
  wandbArtifactIndex,
} from './support/fixtures.ts';
import { Scenario, type CaseRun } from './support/harness.ts';

const seconds = (s: number) => (e: { at: number }) => e.at + s * 1000;
/** Both versions of the collection. */
const ALL_VERSIONS = { artifacts: REL_ARTIFACT, 'artifact-versions': 'all' };
const BLOBS = '/wandb/artifacts/';
const MANIFESTS = '/wandb/artifact-manifests/';

const count = (run: CaseRun, predicate: (e: CaseRun['requests'][number]) => boolean): number => run.requests.filter(predicate).length;
const graphql = (run: CaseRun): number => count(run, (e) => e.target === 'wandb-api' && e.endpoint !== 'artifact-handler');

describe('W&B artifacts under faults', () => {
  it('W&B artifacts: lookup (seconds), manifest (HTTP-date), entries (seconds) and a reference (seconds)', async (t) => {
    const fixture = wandbArtifactFixture();
    const s = await Scenario.start(t, '1 rate limits', { fixture: { wandb: fixture } });
    const date = httpDateIn(2);
    s.em.faults.add({
      target: 'wandb-api',
      endpoint: 'ArtifactMembershipByName',
      times: 1,
      action: { kind: 'status', status: 429, retryAfter: '1' },
    });
    s.em.faults.add({
      target: 'storage',
      pathIncludes: MANIFESTS,
      times: 1,
      action: { kind: 'status', status: 429, retryAfter: date.header },
    });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 2, action: { kind: 'status', status: 429, retryAfter: '1' } });
    s.em.faults.add({ target: 'reference', times: 1, action: { kind: 'status', status: 429, retryAfter: '1' } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, ALL_VERSIONS));
    assertSucceeded(run);
    await s.verify(run, wandbArtifactExpectation(fixture));
    assert.equal(assertWaited(run, 'wandb-api', 429, seconds(1)), 1);
    assert.equal(
      assertWaited(run, 'storage', 429, (e) => (e.path.includes('artifact-manifests') ? date.at : seconds(1)(e))),
      3,
    );
    assert.equal(assertWaited(run, 'reference', 429, seconds(1)), 1);
  });

  it('W&B artifacts: the artifact operations, the manifest, the entries and the reference host', async (t) => {
    const fixture = wandbArtifactFixture();
    const s = await Scenario.start(t, '2 server errors', { fixture: { wandb: fixture } });
    for (const endpoint of ['ArtifactMembershipByName', 'ProjectArtifacts', 'FetchArtifactManifest', 'GetArtifactMembershipFileUrls']) {
      s.em.faults.add({ target: 'wandb-api', endpoint, times: 1, action: { kind: 'status', status: 503 } });
    }
    s.em.faults.add({ target: 'storage', pathIncludes: MANIFESTS, times: 1, action: { kind: 'status', status: 500 } });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 3, action: { kind: 'status', status: 502 } });
    s.em.faults.add({ target: 'reference', times: 2, action: { kind: 'status', status: 503 } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, ALL_VERSIONS));
    assertSucceeded(run);
    await s.verify(run, wandbArtifactExpectation(fixture));
    assert.equal(run.apiRetries, 5, 'one retry per failed API request, the manifest GET included');
    assert.equal(s.em.faults.injected.get('status'), 10);
  });

  it('W&B artifacts: entries cut, reset, stalled or changed in transit (MD5), a cut manifest and reference', async (t) => {
    const fixture = wandbArtifactFixture();
    const s = await Scenario.start(t, '3 broken bodies', { fixture: { wandb: fixture } });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 2, action: { kind: 'truncate', bytes: 1000 } });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 1, action: { kind: 'reset', afterBytes: 1000 } });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 1, action: { kind: 'stall', ms: 4000, afterBytes: 100 } });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 2, action: { kind: 'corrupt' } });
    s.em.faults.add({ target: 'storage', pathIncludes: MANIFESTS, times: 1, action: { kind: 'truncate', bytes: 50 } });
    s.em.faults.add({ target: 'reference', times: 1, action: { kind: 'truncate', bytes: 10 } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, ALL_VERSIONS));
    assertSucceeded(run);
    await s.verify(run, wandbArtifactExpectation(fixture));
    assert.equal(s.em.faults.injected.get('corrupt'), 2);
    assert.equal(s.em.faults.injected.get('truncate'), 4);
  });

  it('W&B artifacts: every entry’s first URL expired → the download handler on the API host, no extra GraphQL', async (t) => {
    const fixture = wandbArtifactFixture();
    const s = await Scenario.start(t, '4 signed-URL expiry', { fixture: { wandb: fixture } });
    const baseline = await s.run(s.wandb(REL_ARTIFACT_PROJECT, ALL_VERSIONS));
    assertSucceeded(baseline);
    // GCS's 400 ExpiredToken for the first half of the entries' first GETs, the client's 403 for the rest.
    const stored = 2 * (ENTRIES_PER_VERSION - 1) - 1;
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 4, action: { kind: 'expire' } });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: stored - 4, action: { kind: 'status', status: 403 } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, { ...ALL_VERSIONS, overwrite: 'overwrite' }));
    assertSucceeded(run);
    await s.verify(run, wandbArtifactExpectation(fixture));
    assert.equal(Scenario.count(run, 'wandb-api', 'artifact-handler'), stored, 'one handler GET per stored blob (the shared one once)');
    assert.ok(run.requests.filter((e) => e.endpoint === 'artifact-handler').every((e) => e.status === 302));
    assert.equal(graphql(run), graphql(baseline), 'no new GraphQL request');
  });

  it('W&B artifacts: the manifest URL expired → asked for again once', async (t) => {
    const fixture = wandbArtifactFixture({ versions: 1 });
    const s = await Scenario.start(t, '4 signed-URL expiry', { fixture: { wandb: fixture } });
    s.em.faults.add({ target: 'storage', pathIncludes: MANIFESTS, times: 1, action: { kind: 'expire' } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, { artifacts: REL_ARTIFACT }));
    assertSucceeded(run);
    await s.verify(run, wandbArtifactExpectation(fixture));
    assert.equal(Scenario.count(run, 'wandb-api', 'FetchArtifactManifest'), 2);
  });

  it('W&B artifacts: an entry whose every URL expires fails alone, after bounded renewals', async (t) => {
    const fixture = wandbArtifactFixture({ versions: 1 });
    const s = await Scenario.start(t, '4 signed-URL expiry', { fixture: { wandb: fixture } });
    // The blob is stored under its MD5 in hex (wandb-artifacts.md §7 (item 4)): the fixture's bytes give it.
    const blob = wandbArtifactIndex(fixture).get(identity(`${REL_ARTIFACT}:v0`, 'weights/large.bin', undefined));
    assert.ok(blob);
    const hex = Buffer.from(contentMd5Base64(blob.content, blob.key), 'base64').toString('hex');
    s.em.faults.add({ target: 'storage', pathIncludes: hex, times: Infinity, action: { kind: 'expire' } });
    const status = (r: ManifestRecord) => (r.attribute === 'weights/large.bin' ? 'failed' : 'downloaded');
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, { artifacts: REL_ARTIFACT }));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1);
    assert.match(
      run.errors[0] ?? '',
      /1 of 5 files could not be downloaded:\n.*weights\/large\.bin: gave up after \d+ attempts: storage answered HTTP 400 \(ExpiredToken\)/,
    );
    await s.verify(run, wandbArtifactExpectation(fixture, { status }));
    // 1 + 5 renewals: handler, new listing, handler… each ending at storage; then the budget is spent.
    assert.equal(
      count(run, (e) => e.target === 'storage' && e.path.includes(hex)),
      6,
    );
    assert.equal(Scenario.count(run, 'wandb-api', 'GetArtifactMembershipFiles'), 1, 'listed again once');
  });

  it('W&B artifacts: the entry is missing, the rest completes, one warning', async (t) => {
    const fixture = wandbArtifactFixture({ versions: 1, missing: true });
    const s = await Scenario.start(t, '5 missing blob', { fixture: { wandb: fixture } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, { artifacts: REL_ARTIFACT }));
    assertSucceeded(run);
    const { manifest } = await s.verify(run, wandbArtifactExpectation(fixture));
    assert.equal(manifest.totals.missing, 1);
    assert.deepEqual(
      run.warnings.filter((w) => w.startsWith('Missing in storage')),
      [`Missing in storage: ${REL_ARTIFACT}:v0: lost.bin (the tracker lists it, the storage has no such file).`],
    );
  });

  it('W&B artifacts: the key refused at the download handler → the run stops with one error', async (t) => {
    const fixture = wandbArtifactFixture({ versions: 1 });
    const s = await Scenario.start(t, '6 credentials', { fixture: { wandb: fixture } });
    s.em.faults.add({ target: 'storage', pathIncludes: BLOBS, times: 1, action: { kind: 'expire' } });
    s.em.faults.add({ target: 'wandb-api', endpoint: 'artifact-handler', times: Infinity, action: { kind: 'status', status: 401 } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, { artifacts: REL_ARTIFACT, concurrency: '1' }));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join('\n'));
    assert.match(
      run.errors[0] ?? '',
      /the tracker answered HTTP 401 while downloading .*: the tracker refuses the credential, so the run stops/,
    );
    assert.equal(Scenario.count(run, 'wandb-api', 'artifact-handler'), 1, 'no file retried with a refused key');
  });

  it('W&B artifacts: a reference host answering 503 forever fails that entry after 5 attempts, the rest completes', async (t) => {
    const fixture = wandbArtifactFixture({ versions: 1 });
    const s = await Scenario.start(t, '7 never recovers', { fixture: { wandb: fixture } });
    s.em.faults.add({ target: 'reference', times: Infinity, action: { kind: 'status', status: 503 } });
    const run = await s.run(s.wandb(REL_ARTIFACT_PROJECT, { artifacts: REL_ARTIFACT }));
    assert.equal(run.code, 1);
    await s.verify(run, wandbArtifactExpectation(fixture, { status: (r) => (r.attribute === 'labels.csv' ? 'failed' : 'downloaded') }));
    assert.equal(Scenario.count(run, 'reference', 'ref'), 5);
    assert.match(run.errors[0] ?? '', /labels\.csv: gave up after 5 attempts: storage answered HTTP 503/);
  });
});

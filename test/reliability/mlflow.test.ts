// The fault matrix for MLflow (docs/reliability.md; mlflow.md §3.2, §4.3, §4.5): the tracking server behind the
// built-in basic-auth app, its proxied artifact service and presigned storage, broken in every way the other
// trackers are — rate limits with Retry-After (seconds and HTTP-date), bursts of 5xx, bodies that reset, stop
// short, stall, arrive chunked and short or empty with status 200, expiring presigned URLs, a lost file, refused
// credentials, a server that never recovers, hostile names — and the ways only MLflow breaks: a lost file answered
// 500, --no-serve-artifacts. Every case runs the action as a runner does and verifies every byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestLogEntry } from '../emulators/common/contracts.ts';
import { assertSucceeded, httpDateIn, mlflowExpectation } from './support/checks.ts';
import { mlflowFixture, relMlflowRunId } from './support/fixtures.ts';
import { Scenario, type CaseRun } from './support/harness.ts';

const RUN1 = relMlflowRunId(1);
/** Timer and clock slack on a loaded 2-core machine. */
const SLACK_MS = 60;

/**
 * For every answer with `status` on `endpoint`, the next request of the same endpoint and the same path and query
 * (MLflow's listings differ only in their query) came no earlier than `notBefore`. Returns how many were checked.
 */
function assertWaitedFor(run: CaseRun, endpoint: string, status: number, notBefore: (e: RequestLogEntry) => number): number {
  const hits = run.requests.filter((e) => e.endpoint === endpoint && e.status === status);
  for (const hit of hits) {
    const next = run.requests.slice(run.requests.indexOf(hit) + 1).find((e) => e.endpoint === hit.endpoint && e.path === hit.path);
    assert.ok(next, `no retry after the ${status} of ${endpoint} ${hit.path}`);
    assert.ok(next.at >= notBefore(hit) - SLACK_MS, `${endpoint}: retried ${next.at - hit.at} ms after a ${status}`);
  }
  return hits.length;
}

const count = (run: CaseRun, endpoint: string, status?: number): number =>
  run.requests.filter((e) => e.endpoint === endpoint && (status === undefined || e.status === status)).length;

describe('MLflow reliability', () => {
  it('1 rate limits: runs/search (seconds), listings (HTTP-date) and downloads (seconds)', async (t) => {
    const fixture = mlflowFixture({ basic: true });
    const s = await Scenario.start(t, '1 rate limits', { fixture: { mlflow: fixture } });
    const date = httpDateIn(2);
    s.em.faults.add({ target: 'mlflow-api', endpoint: 'runs/search', action: { kind: 'status', status: 429, retryAfter: '1' } });
    s.em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/list',
      action: { kind: 'status', status: 429, retryAfter: date.header },
    });
    s.em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/download',
      times: 3,
      action: { kind: 'status', status: 429, retryAfter: '1' },
    });
    const run = await s.run(s.mlflow({ experiments: 'rel' }), { env: s.mlflowEnv() });
    assertSucceeded(run);
    await s.verify(run, mlflowExpectation(fixture));
    assert.equal(
      assertWaitedFor(run, 'runs/search', 429, (e) => e.at + 1000),
      1,
    );
    assert.equal(
      assertWaitedFor(run, 'mlflow-artifacts/list', 429, () => date.at),
      1,
    );
    assert.equal(
      assertWaitedFor(run, 'mlflow-artifacts/download', 429, (e) => e.at + 1000),
      3,
    );
  });

  it('2 server errors: bursts of 500/502/503 on every route and on downloads', async (t) => {
    const fixture = mlflowFixture({ basic: true });
    const s = await Scenario.start(t, '2 server errors', { fixture: { mlflow: fixture } });
    for (const [endpoint, status] of [
      ['experiments/get-by-name', 502],
      ['runs/search', 503],
      ['mlflow-artifacts/list', 500],
    ] as const) {
      s.em.faults.add({
        target: 'mlflow-api',
        endpoint,
        action: { kind: 'status', status, body: '{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"}' },
      });
    }
    s.em.faults.add({ target: 'mlflow-api', endpoint: 'mlflow-artifacts/download', times: 4, action: { kind: 'status', status: 503 } });
    const run = await s.run(s.mlflow({ experiments: 'rel' }), { env: s.mlflowEnv() });
    assertSucceeded(run);
    await s.verify(run, mlflowExpectation(fixture));
    assert.equal(run.apiRetries, 3, 'one retry per failed API answer');
    assert.equal(count(run, 'mlflow-artifacts/download'), 10 + 4, 'one extra GET per failed download');
  });

  it('3 broken bodies: reset, cut short, stalled past the read timeout, chunked and short, empty with 200; an API answer cut short', async (t) => {
    const fixture = mlflowFixture({ basic: true });
    const s = await Scenario.start(t, '3 broken bodies', { fixture: { mlflow: fixture } });
    const model = (n: number): string => `${relMlflowRunId(n)}/artifacts/model/model.pkl`;
    s.em.faults.add({ target: 'mlflow-api', pathIncludes: model(1), action: { kind: 'reset', afterBytes: 1024 } });
    s.em.faults.add({ target: 'mlflow-api', pathIncludes: model(1), action: { kind: 'truncate', bytes: 50_000 } });
    s.em.faults.add({ target: 'mlflow-api', pathIncludes: model(2), action: { kind: 'stall', ms: 3000, afterBytes: 2048 } });
    s.em.faults.add({ target: 'mlflow-api', pathIncludes: model(2), action: { kind: 'chunked', bytes: 4096 } });
    s.em.faults.add({ target: 'mlflow-api', pathIncludes: 'plots/a.png', action: { kind: 'empty' } });
    s.em.faults.add({ target: 'mlflow-api', endpoint: 'runs/search', action: { kind: 'truncate', bytes: 40 } });
    const run = await s.run(s.mlflow({ experiments: 'rel' }), { env: s.mlflowEnv() });
    assertSucceeded(run);
    await s.verify(run, mlflowExpectation(fixture));
    assert.equal(count(run, 'mlflow-artifacts/download'), 10 + 5, 'each broken body fetched once more');
    assert.equal(count(run, 'runs/search'), 2);
  });

  it('4 expiring presigned URLs: renewed per file, never with MLflow credentials', async (t) => {
    const fixture = mlflowFixture({ basic: true, runs: 1, store: { kind: 'store', uri: 's3://rel-bucket/1', presigned: true } });
    const s = await Scenario.start(t, '4 url expiry', {
      fixture: { mlflow: fixture },
      mlflow: { presignedDownloads: true },
      urlTtlMs: 60_000,
    });
    s.em.faults.add({ target: 'storage', times: 5, action: { kind: 'expire' } });
    const run = await s.run(s.mlflow({ runs: RUN1 }), { env: s.mlflowEnv() });
    assertSucceeded(run);
    await s.verify(run, mlflowExpectation(fixture));
    // One URL per file (4 with bytes, the empty log too), and one more per expiry.
    assert.equal(count(run, 'artifacts/presigned-download-url'), 5 + 5);
    assert.equal(
      run.requests.filter((e) => e.target === 'storage').every((e) => e.headers.authorization === undefined),
      true,
    );
  });

  it('5 a lost file: the 500 "No such file or directory" is missing at once, one warning', async (t) => {
    const fixture = mlflowFixture({ basic: true, missing: true });
    const s = await Scenario.start(t, '5 missing blob', { fixture: { mlflow: fixture } });
    const run = await s.run(s.mlflow({ experiments: 'rel' }), { env: s.mlflowEnv() });
    assertSucceeded(run);
    const { manifest } = await s.verify(run, mlflowExpectation(fixture));
    assert.deepEqual([manifest.totals.downloaded, manifest.totals.missing], [10, 1]);
    assert.equal(count(run, 'mlflow-artifacts/download', 500), 1, 'not retried');
    assert.equal(run.warnings.length, 1, run.warnings.join(' | '));
    assert.match(run.warnings[0] ?? '', /lost\/weights\.bin/);
  });

  it('6 refused credentials: a wrong password is one request and one error', async (t) => {
    const fixture = mlflowFixture({ basic: true });
    const s = await Scenario.start(t, '6 auth', { fixture: { mlflow: fixture } });
    const run = await s.run(s.mlflow({ experiments: 'rel' }), {
      env: { MLFLOW_TRACKING_USERNAME: 'rel-bot', MLFLOW_TRACKING_PASSWORD: 'not-the-password' },
    });
    s.secrets.add('not-the-password');
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1);
    assert.match(run.errors[0] ?? '', /HTTP 401.*Check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
    assert.equal(run.requests.length, 1);
  });

  it('7 never recovers: downloads that always fail stop after their attempts; an hour of Retry-After ends at once; --no-serve-artifacts is not retried', async (t) => {
    const fixture = mlflowFixture({ basic: true, runs: 1 });
    const s = await Scenario.start(t, '7 never recovers', { fixture: { mlflow: fixture } });
    s.em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/download',
      pathIncludes: 'plots/',
      times: Infinity,
      action: { kind: 'status', status: 503 },
    });
    s.em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/download',
      pathIncludes: 'config.json',
      times: Infinity,
      action: { kind: 'status', status: 429, retryAfter: '3600' },
    });
    const run = await s.run(s.mlflow({ runs: RUN1 }), { env: s.mlflowEnv() });
    assert.equal(run.code, 1);
    assert.equal(count(run, 'mlflow-artifacts/download', 503), 2 * 5, '5 attempts per file');
    assert.equal(count(run, 'mlflow-artifacts/download', 429), 1, 'an hour of Retry-After is beyond the budget: asked once');
    await s.verify(run, {
      ...mlflowExpectation(fixture),
      status: (r) => (r.attribute.startsWith('plots/') || r.attribute === 'config.json' ? 'failed' : 'downloaded'),
    });

    const off = await Scenario.start(t, '7 never recovers', { fixture: { mlflow: fixture }, mlflow: { serveArtifacts: false } });
    const disabled = await off.run(off.mlflow({ runs: RUN1 }), { env: off.mlflowEnv() });
    assert.equal(disabled.code, 1);
    assert.equal(count(disabled, 'mlflow-artifacts/list'), 1);
    assert.match(disabled.errors.join('\n'), /--no-serve-artifacts/);
  });

  it('10 hostile names from a broken server: refused with the reason, nothing outside the destination', async (t) => {
    const fixture = mlflowFixture({
      basic: true,
      runs: 1,
      extraArtifacts: [
        { path: 'a#b.txt', content: { text: 'hash\n' } },
        { path: '%2e%2e', content: { text: 'encoded dots\n' } },
      ],
      listedOnly: [
        { folder: '', name: '..', isDir: true },
        { folder: '', name: '../../escape.txt', size: 5 },
        { folder: '', name: '/etc/passwd', size: 5 },
        { folder: 'model', name: '..\\..\\win.txt', size: 5 },
      ],
    });
    const s = await Scenario.start(t, '10 hostile names', { fixture: { mlflow: fixture } });
    const run = await s.run(s.mlflow({ runs: RUN1 }), { env: s.mlflowEnv() });
    assert.equal(run.code, 1);
    const refused = ['a#b.txt', '%2e%2e', '..', '../../escape.txt', '/etc/passwd', 'model/..\\..\\win.txt'];
    await s.verify(run, {
      ...mlflowExpectation(fixture),
      files: 5 + refused.length,
      allowUnknown: true,
      status: (r) => (refused.includes(r.attribute) ? 'failed' : 'downloaded'),
    });
    assert.equal(count(run, 'mlflow-artifacts/download'), 5, 'refused names are never asked for');
  });
});

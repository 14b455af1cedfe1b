// Case 7: a server that never recovers (`times: Infinity`). Attempts and waiting are bounded (the suite runs
// with 5 attempts per request or file), the run ends with exit 1 and one clear error that says what failed,
// and the manifest records every file that could not be fetched. A Retry-After longer than the whole waiting
// budget ends the request at once instead of sleeping through it. Bounded means counted: requests in the
// emulator's log and the back-off the action recorded, never the run's duration (a run that did not give up
// is killed by the harness's safety timeout and fails on its exit code and counts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertJitteredBackoffs, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario, TUNING } from './support/harness.ts';

const SUITE = '7 never recovers';
const ATTEMPTS = Number(TUNING.DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS);

describe('a server that never recovers', () => {
  it('Neptune API: search answers 503 forever → 5 attempts, one error naming the request, exit 1', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({ target: 'neptune-api', endpoint: 'search', times: Infinity, action: { kind: 'status', status: 503 } });
    const run = await s.run(s.neptune('rel/gcp'));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /The search request to 127\.0\.0\.1:\d+ kept failing \(5 attempts, .*last answer: HTTP 503/);
    assert.equal(Scenario.count(run, 'neptune-api', 'search'), ATTEMPTS);
    assert.equal(Scenario.count(run, 'storage'), 0);
    // A jittered back-off under the policy's ceiling between the attempts, none after the last.
    const waits = assertJitteredBackoffs(run, 'search');
    assert.deepEqual(
      waits.map((b) => b.attempt),
      [1, 2, 3, 4],
    );
  });

  it('Neptune API: every connection is reset → bounded, one error', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({ target: 'neptune-api', times: Infinity, action: { kind: 'reset' } });
    const run = await s.run(s.neptune('rel/gcp'));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /The oauth-token request to .* kept failing \(5 attempts/);
    assert.equal(run.requests.length, ATTEMPTS);
    assert.deepEqual(
      assertJitteredBackoffs(run, 'oauth-token').map((b) => b.attempt),
      [1, 2, 3, 4],
    );
  });

  it('Neptune API: Retry-After of an hour → gives up at once instead of sleeping', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({
      target: 'neptune-api',
      endpoint: 'search',
      times: Infinity,
      action: { kind: 'status', status: 503, retryAfter: '3600' },
    });
    // The default policy (8 attempts, 180 s total wait), not the suite's small one. A run that slept through
    // the hour would be killed by the harness's safety timeout (exit code null, no error annotation).
    const run = await s.run(s.neptune('rel/gcp'), { noTuning: true });
    assert.equal(run.code, 1);
    assert.match(run.errors[0] ?? '', /search request .* kept failing \(1 attempts?, 0 s of back-off\); last answer: HTTP 503/);
    assert.match(run.errors[0] ?? '', /asked to wait 3600 s \(Retry-After\), more than the retry budget allows/);
    assert.equal(Scenario.count(run, 'neptune-api', 'search'), 1, 'one search request, no second attempt');
    assert.deepEqual(run.apiBackoffs, [], 'no back-off was started');
  });

  it('Neptune storage: every GET answers 503 → each file tried 5 times, all failed, one error listing them', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({ target: 'storage', times: Infinity, action: { kind: 'status', status: 503 } });
    const run = await s.run(s.neptune('rel/gcp'));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(
      run.errors[0] ?? '',
      /^18 of 18 files could not be downloaded:\n(rel-exp-\d: [^\n]+: gave up after 5 attempts: storage answered HTTP 503 \(ServerBusy\)\n){5}… and 13 more \(see .*manifest\.json\)$/,
    );
    assert.equal(Scenario.count(run, 'storage'), 18 * ATTEMPTS);
    await s.verify(run, neptuneExpectation(fixture, { status: () => 'failed' }));
    assert.equal(run.outputs['failed-count'], '18');
  });

  it('Neptune storage down for everything: the run stops early instead of spending the budget on every file', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({ target: 'storage', times: Infinity, action: { kind: 'status', status: 503 } });
    const run = await s.run(s.neptune('rel/gcp', { concurrency: '2' }));
    assert.equal(run.code, 1);
    assert.ok(Scenario.count(run, 'storage') < (18 * ATTEMPTS) / 2, `${Scenario.count(run, 'storage')} storage requests`);
  });

  it('W&B: GraphQL answers 502 forever → 5 attempts, one error', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    s.em.faults.add({ target: 'wandb-api', times: Infinity, action: { kind: 'status', status: 502 } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /kept failing \(5 attempts.*HTTP 502/);
    assert.equal(run.requests.length, ATTEMPTS);
    assert.deepEqual(
      assertJitteredBackoffs(run).map((b) => b.attempt),
      [1, 2, 3, 4],
    );
  });

  it('W&B storage: every answer hangs forever → read timeouts, bounded attempts, all failed', async (t) => {
    const fixture = wandbFixture({ runs: 1 });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    // Each stall outlasts the run's safety timeout: only the read timeout (the suite's 2 s) can end an attempt.
    s.em.faults.add({ target: 'storage', times: Infinity, action: { kind: 'stall', ms: 10 * 60_000, afterBytes: 0 } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /4 of 4 files could not be downloaded:\n.*gave up after 5 attempts: connection failed: .*timeout/i);
    // Every attempt of every file was abandoned on its own: 5 GETs per file.
    assert.equal(Scenario.count(run, 'storage'), 4 * ATTEMPTS);
    await s.verify(run, wandbExpectation(fixture, { status: () => 'failed' }));
  });
});

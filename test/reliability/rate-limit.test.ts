// Case 1: 429 Too Many Requests with Retry-After, as delta-seconds and as an HTTP-date (RFC 9110 §10.2.3), on
// the tracker APIs and on storage, for Neptune (gcp, aws, azure) and W&B. The action must wait at least as long
// as the server asked before the next attempt of that request, then finish with every file intact. Two views:
// the emulator's request log shows the next attempt came no earlier than asked (a lower bound, which a busy
// machine can only make truer), and for API requests the back-off the action recorded is what was asked —
// exactly the delta-seconds, or no more than the time left until the HTTP-date — so it did not wait longer
// either. The downloader does not log its waits, so storage has only the first view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSucceeded, assertWaited, httpDateIn, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario, type CaseRun } from './support/harness.ts';

const SUITE = '1 rate limits';
const seconds = (s: number) => (e: { at: number }) => e.at + s * 1000;
/** Clock slack between the emulator's log and the action's clock (two processes, millisecond clocks). */
const SLACK_MS = 60;

/** The back-offs (ms) the action recorded before retrying `endpoint`, in order. */
const waitsOf = (run: CaseRun, endpoint: string): number[] => run.apiBackoffs.filter((b) => b.endpoint === endpoint).map((b) => b.waitMs);

/** The recorded wait after the first `status` answer of `endpoint` asked to wait until `at` (HTTP-date) is within it. */
function assertWaitedUntilDate(run: CaseRun, endpoint: string, at: number): void {
  const hit = run.requests.find((e) => e.endpoint === endpoint && e.status === 429);
  assert.ok(hit, `no 429 of ${endpoint}`);
  const [wait] = waitsOf(run, endpoint);
  assert.ok(wait !== undefined, `no back-off recorded for ${endpoint}`);
  // On a busy machine the date may already have passed when the answer came: then no wait at all.
  const left = Math.max(0, at - hit.at);
  assert.ok(wait <= left + SLACK_MS, `${endpoint}: recorded a ${wait} ms back-off for a date ${at - hit.at} ms after the answer`);
}

describe('429 with Retry-After', () => {
  it('Neptune gcp: search (seconds), signed-url (HTTP-date) and storage (seconds)', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const date = httpDateIn(2);
    s.em.faults.add({ target: 'neptune-api', endpoint: 'search', times: 1, action: { kind: 'status', status: 429, retryAfter: '1' } });
    s.em.faults.add({
      target: 'neptune-api',
      endpoint: 'signed-url',
      times: 1,
      action: { kind: 'status', status: 429, retryAfter: date.header },
    });
    s.em.faults.add({ target: 'storage', times: 3, action: { kind: 'status', status: 429, retryAfter: '1' } });
    const run = await s.run(s.neptune('rel/gcp'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(
      assertWaited(run, 'neptune-api', 429, (e) => (e.endpoint === 'signed-url' ? date.at : seconds(1)(e))),
      2,
    );
    assert.equal(assertWaited(run, 'storage', 429, seconds(1)), 3);
    assert.equal(run.apiRetries, 2, 'one retry per rate-limited API request');
    assert.deepEqual(waitsOf(run, 'search'), [1000], 'Retry-After: 1 → a 1 s back-off');
    assertWaitedUntilDate(run, 'signed-url', date.at);
  });

  it('Neptune aws: attribute-values (seconds) and storage (HTTP-date)', async (t) => {
    const fixture = neptuneFixture({ provider: 'aws' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const date = httpDateIn(2);
    s.em.faults.add({
      target: 'neptune-api',
      endpoint: 'attribute-values',
      times: 1,
      action: { kind: 'status', status: 429, retryAfter: '1' },
    });
    s.em.faults.add({ target: 'storage', times: 2, action: { kind: 'status', status: 429, retryAfter: date.header } });
    const run = await s.run(s.neptune('rel/aws'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(assertWaited(run, 'neptune-api', 429, seconds(1)), 1);
    assert.equal(
      assertWaited(run, 'storage', 429, () => date.at),
      2,
    );
    assert.deepEqual(waitsOf(run, 'attribute-values'), [1000], 'Retry-After: 1 → a 1 s back-off');
  });

  it('Neptune azure: blob reads through the SAS proxy (seconds and HTTP-date)', async (t) => {
    const fixture = neptuneFixture({ provider: 'azure' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const date = httpDateIn(2);
    s.em.faults.add({ target: 'azure', times: 1, action: { kind: 'status', status: 429, retryAfter: '1' } });
    s.em.faults.add({ target: 'azure', times: 1, action: { kind: 'status', status: 503, retryAfter: date.header } });
    const run = await s.run(s.neptune('rel/azure'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(assertWaited(run, 'azure', 429, seconds(1)), 1);
    assert.equal(
      assertWaited(run, 'azure', 503, () => date.at),
      1,
    );
  });

  it('W&B: GraphQL (seconds), file redirect (HTTP-date) and storage (seconds)', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const date = httpDateIn(2);
    // No endpoint: the first GraphQL request, whatever operation the resolver starts with.
    s.em.faults.add({ target: 'wandb-api', pathIncludes: '/graphql', times: 1, action: { kind: 'status', status: 429, retryAfter: '1' } });
    s.em.faults.add({ target: 'wandb-api', endpoint: 'file', times: 2, action: { kind: 'status', status: 429, retryAfter: date.header } });
    s.em.faults.add({ target: 'storage', times: 2, action: { kind: 'status', status: 429, retryAfter: '1' } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    const api = run.requests.filter((e) => e.target === 'wandb-api' && e.status === 429);
    assert.equal(api.length, 3);
    assertWaited(run, 'wandb-api', 429, (e) => (e.endpoint === 'file' ? date.at : seconds(1)(e)));
    assert.equal(assertWaited(run, 'storage', 429, seconds(1)), 2);
    // GraphQL goes through the API client, which records its back-off (file redirects are the downloader's).
    assert.deepEqual(
      run.apiBackoffs.map((b) => b.waitMs),
      [1000],
      'Retry-After: 1 → a 1 s back-off',
    );
  });
});

// Case 6: credentials over time. Neptune access tokens that expire during the run are refreshed (the client
// refreshes when exp - now - 30 <= 0, neptune.md §2.3) and the downloads complete; a data endpoint that
// rejects a token early gets one renewal and one retry. A bad or revoked credential ends the run with one clear
// error and no retry storm (at most 2 token exchanges; W&B: no retry of a 401).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApiToken } from '../emulators/neptune/auth.ts';
import { assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario } from './support/harness.ts';

const SUITE = '6 credentials';
const DATA_ENDPOINTS = new Set(['search', 'attribute-definitions', 'attribute-values', 'series', 'signed-url']);

describe('access-token expiry and bad credentials', () => {
  it('Neptune: a 20 s access token (inside the 30 s margin) is refreshed before every call; downloads complete', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture }, neptune: { accessTokenTtlSeconds: 20 } });
    const run = await s.run(s.neptune('rel/gcp'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    const data = run.requests.filter((e) => e.target === 'neptune-api' && DATA_ENDPOINTS.has(e.endpoint));
    assert.ok(
      data.every((e) => e.status === 200),
      'no data request was refused',
    );
    assert.equal(Scenario.count(run, 'neptune-api', 'oauth-token'), 1, 'one exchange; the rest are refreshes');
    const refreshes = Scenario.count(run, 'neptune-api', 'refresh');
    assert.ok(refreshes >= 1 && refreshes <= data.length, `${refreshes} refreshes for ${data.length} data requests`);
  });

  it('Neptune: a 31 s access token needs a refresh within 2 s (mid-run)', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture }, neptune: { accessTokenTtlSeconds: 31 } });
    // exp = ceil(issued + 31), so the token enters the 30 s margin at most 2 s after it was issued: the series
    // request waits 2.1 s (under a read timeout that allows it), and the signing request after it must refresh.
    s.em.faults.add({ target: 'neptune-api', endpoint: 'series', times: 1, action: { kind: 'delay', ms: 2100 } });
    const run = await s.run(s.neptune('rel/gcp'), { env: { DOWNLOAD_EXPERIMENT_FILES_READ_TIMEOUT_MS: '5000' } });
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(Scenario.count(run, 'neptune-api', 'oauth-token'), 1);
    assert.ok(Scenario.count(run, 'neptune-api', 'refresh') >= 1, 'refreshed after the delay');
    const firstRefresh = run.requests.findIndex((e) => e.endpoint === 'refresh');
    const signing = run.requests.findIndex((e) => e.endpoint === 'signed-url');
    assert.ok(firstRefresh >= 0 && firstRefresh < signing, 'the refresh came before the signing request');
  });

  it('Neptune: a token the server rejects early (401 on a data call) → one renewal, one retry', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({ target: 'neptune-api', endpoint: 'series', times: 1, action: { kind: 'expire' } });
    const run = await s.run(s.neptune('rel/gcp'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(Scenario.count(run, 'neptune-api', 'series'), 2);
    assert.equal(Scenario.count(run, 'neptune-api', 'refresh'), 1);
    assert.equal(Scenario.count(run, 'neptune-api', 'oauth-token'), 1);
  });

  it('Neptune: a bad API token → one clear error, at most 2 exchanges, nothing downloaded', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    assert.ok(s.em.neptune);
    const wrong = buildApiToken(s.em.neptune.url, 'revoked-key-0123456789abcdef');
    s.secrets.add(wrong);
    s.secrets.add('revoked-key-0123456789abcdef');
    const run = await s.run(s.neptune('rel/gcp', { 'api-token': wrong }));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /rejected the API token \(HTTP 401\).*api-token/);
    assert.ok(Scenario.count(run, 'neptune-api', 'oauth-token') <= 2);
    assert.equal(run.requests.length, Scenario.count(run, 'neptune-api', 'oauth-token'), 'no other request');
    assert.deepEqual(run.apiBackoffs, [], 'a refused credential is not retried after a back-off');
  });

  it('Neptune: a token revoked mid-run (data calls 401, refresh refused) → one clear error, bounded requests', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({ target: 'neptune-api', endpoint: 'search', times: Infinity, action: { kind: 'expire' } });
    s.em.faults.add({
      target: 'neptune-api',
      endpoint: 'refresh',
      times: Infinity,
      action: { kind: 'status', status: 400, body: '{"error":"invalid_grant","error_description":"Token is not active"}' },
    });
    const run = await s.run(s.neptune('rel/gcp'));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /rejected the access token .*twice.*api-token/);
    assert.ok(Scenario.count(run, 'neptune-api', 'oauth-token') <= 2);
    assert.ok(Scenario.count(run, 'neptune-api', 'search') <= 2);
    assert.ok(Scenario.count(run, 'neptune-api', 'refresh') <= 1);
    assert.deepEqual(run.apiBackoffs, [], 'a refused credential is not retried after a back-off');
  });

  it('W&B: a bad API key → one clear error after one request', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const wrong = `local-${'0'.repeat(40)}`;
    s.secrets.add(wrong);
    s.secrets.add(Buffer.from(`api:${wrong}`).toString('base64'));
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`, { 'api-token': wrong }));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /rejected the API key \(HTTP 401/);
    assert.ok(run.requests.length <= 2, `${run.requests.length} requests`);
  });

  it('W&B: the key is refused at the file URLs mid-run → no file retried, one error', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    s.em.faults.add({ target: 'wandb-api', endpoint: 'file', times: Infinity, action: { kind: 'status', status: 401 } });
    // One file at a time, so a run that stopped at the first refusal would show it.
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`, { concurrency: '1' }));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /401/);
    const paths = run.requests.filter((e) => e.endpoint === 'file').map((e) => e.path);
    assert.equal(new Set(paths).size, paths.length, 'a refused key is not retried');
    await s.verify(run, wandbExpectation(fixture, { status: () => 'failed' }));
    s.figures.note = `error: ${run.errors[0]?.split('\n')[0]}`;
    await t.test('the run stops at the first refusal (the key will not work for the next file either)', () =>
      assert.equal(paths.length, 1),
    );
  });
});

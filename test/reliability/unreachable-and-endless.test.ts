// Servers that cannot be reached or never stop (docs/reliability.md, "Failure classes"): an api-url that does not
// resolve or refuses connections ends with one error that names api-url after few attempts; a listing that always
// says "more" ends at the total the server reported; too few file descriptors (ulimit -n 64) lower the number of
// files in flight instead of failing them with a meaningless error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSucceeded, wandbExpectation } from './support/checks.ts';
import { REL_WANDB_ENTITY, wandbFixture } from './support/fixtures.ts';
import { Scenario } from './support/harness.ts';

const SUITE = 'unreachable and endless';
const PROJECT = `${REL_WANDB_ENTITY}/rel`;

describe('servers that cannot be reached or never stop', () => {
  it('an api-url that does not resolve: one error naming api-url, no retries, nothing written', async (t) => {
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: wandbFixture() } });
    const run = await s.run(s.wandb(PROJECT, { 'api-url': 'http://tracker.no-such-host.invalid' }));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(
      run.errors[0] ?? '',
      /The Runs request cannot reach tracker\.no-such-host\.invalid: the name does not resolve \(ENOTFOUND\)\. Check the server address \(api-url\)/,
    );
    // ENOTFOUND is not retried; a resolver that first answers EAI_AGAIN (temporary) costs one retry.
    assert.ok(run.apiRetries <= 1, `${run.apiRetries} retries`);
  });

  it('an api-url where nothing listens: one error naming api-url after 3 attempts, not the whole budget', async (t) => {
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: wandbFixture() } });
    // Port 9 (discard) has no listener here; 8 attempts would be the budget.
    const run = await s.run(s.wandb(PROJECT, { 'api-url': 'http://127.0.0.1:9' }), {
      env: { DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: '8' },
    });
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(
      run.errors[0] ?? '',
      /kept failing \(3 attempts, .*ECONNREFUSED.*Nothing accepts connections at 127\.0\.0\.1:9: check the server address \(api-url\)/,
    );
    assert.equal(run.apiRetries, 2);
  });

  it('a file listing that always says "more" with fresh cursors ends at the count the server reported', async (t) => {
    const fixture = wandbFixture({ runs: 1 });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture }, wandb: { hostilePaging: 'endless' } });
    const run = await s.run(s.wandb(PROJECT, { 'per-page': '2' }));
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(
      run.errors[0] ?? '',
      /Unexpected answer from W&B for the files of run 'relrun01' in 'rel-team\/rel': it reported 4 items in all, listed 6 over 3 pages and still says there are more; the listing was stopped/,
    );
    // The run has 4 files, 2 a page: 3 pages asked (the third proves the server's word wrong), not 65,000.
    assert.equal(Scenario.count(run, 'wandb-api', 'RunFiles'), 3);
  });

  it('ulimit -n 64 at concurrency 32: the run fits its downloads to the limit and completes', async (t) => {
    const fixture = wandbFixture({ runs: 2, generatedFiles: { count: 200, size: 2048 } });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const run = await s.run(s.wandb(PROJECT, { concurrency: '32' }), {
      shellPrefix: 'ulimit -n 64',
      env: { DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: '8' },
    });
    assert.doesNotMatch(run.stdout + run.stderr, /undefined:undefined/);
    assert.match(run.stdout, /The open-file limit \(ulimit -n 64\) allows 8 files at a time; downloading that many instead of 32\./);
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
  });
});

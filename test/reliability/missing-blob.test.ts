// Case 5: the tracker lists a file that the storage does not have (404 in each provider's form). That file ends
// as `missing` without a retry, every other file completes, the step succeeds, and a warning annotation names
// the missing file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultRule, StorageProvider } from '../emulators/common/contracts.ts';
import { assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario, type CaseRun } from './support/harness.ts';

const SUITE = '5 missing blob';

function assertOneMissing(run: CaseRun, target: FaultRule['target'], what: RegExp): void {
  assertSucceeded(run);
  assert.equal(run.warnings.length, 1, `warnings: ${run.warnings.join(' | ')}`);
  assert.match(run.warnings[0] ?? '', what);
  assert.equal(run.outputs['missing-count'], '1');
  assert.equal(run.outputs['failed-count'], '0');
  const notFound = run.requests.filter((e) => e.target === target && e.status === 404);
  assert.equal(notFound.length, 1, 'a 404 is final: asked once');
  assert.match(run.summary, /1 missing/);
}

describe('missing blob', () => {
  for (const provider of ['gcp', 'aws', 'azure'] as StorageProvider[]) {
    it(`Neptune ${provider}: 404 → missing, the rest completes, one warning`, async (t) => {
      const fixture = neptuneFixture({ provider, missing: true });
      const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
      const run = await s.run(s.neptune(`rel/${provider}`));
      assertOneMissing(run, provider === 'azure' ? 'azure' : 'storage', /^Missing in storage: rel-exp-1: artifacts\/lost\.bin/);
      const { manifest } = await s.verify(run, neptuneExpectation(fixture));
      assert.deepEqual([manifest.totals.downloaded, manifest.totals.missing], [18, 1]);
    });
  }

  it('W&B: the redirect target is 404 → missing, the rest completes, one warning', async (t) => {
    const fixture = wandbFixture({ missing: true });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    assertOneMissing(run, 'storage', /^Missing in storage: relrun01: broken\/lost\.bin/);
    const { manifest } = await s.verify(run, wandbExpectation(fixture));
    assert.deepEqual([manifest.totals.downloaded, manifest.totals.missing], [8, 1]);
  });
});

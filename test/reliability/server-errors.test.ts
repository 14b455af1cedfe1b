// Case 2: bursts of 500/502/503 on the tracker APIs and on storage, then recovery. Every failed answer is
// retried after a back-off, the run succeeds, and every file is intact; each injected API failure costs exactly
// one retry of that request (nothing is re-sent that did not fail), after the jittered back-off the action
// recorded (under the retry policy's ceiling: no server asked for more).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultRule } from '../emulators/common/contracts.ts';
import { assertJitteredBackoffs, assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario, type CaseRun } from './support/harness.ts';

const SUITE = '2 server errors';
const burst = (target: FaultRule['target'], statuses: number[], endpoint?: string): FaultRule[] =>
  statuses.map((status) => ({ target, ...(endpoint ? { endpoint } : {}), times: 1, action: { kind: 'status', status } }));

const failedAnswers = (run: CaseRun, target: string): number => run.requests.filter((e) => e.target === target && e.status >= 500).length;

describe('5xx bursts, then recovery', () => {
  it('Neptune gcp: every API endpoint and storage', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const rules = [
      // The first requests of the run (the token exchange) meet a 500, a 502 and a 503 in a row.
      ...burst('neptune-api', [500, 502, 503]),
      ...burst('neptune-api', [503, 503], 'search'),
      ...burst('neptune-api', [502, 500], 'attribute-definitions'),
      ...burst('neptune-api', [500], 'attribute-values'),
      ...burst('neptune-api', [502, 502], 'series'),
      ...burst('neptune-api', [503, 500], 'signed-url'),
      ...burst('storage', [500, 500, 500, 502, 502, 502, 503, 503, 503]),
    ];
    for (const rule of rules) s.em.faults.add(rule);
    const run = await s.run(s.neptune('rel/gcp'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(failedAnswers(run, 'neptune-api'), 12);
    assert.equal(run.apiRetries, 12, 'one retry per failed API answer');
    assert.equal(assertJitteredBackoffs(run).length, 12);
    assert.equal(failedAnswers(run, 'storage'), 9);
    assert.equal(Scenario.count(run, 'storage'), 18 + 9, 'one extra storage GET per failed answer');
  });

  it('Neptune azure: storage bursts on ranged blob reads', async (t) => {
    const fixture = neptuneFixture({ provider: 'azure' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    for (const rule of burst('azure', [503, 503, 503, 500, 502])) s.em.faults.add(rule);
    const run = await s.run(s.neptune('rel/azure'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(failedAnswers(run, 'azure'), 5);
    assert.equal(Scenario.count(run, 'azure'), 18 + 5);
  });

  it('W&B: GraphQL, file redirects and storage', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const rules = [
      ...burst('wandb-api', [503, 502, 500]).map((r) => ({ ...r, pathIncludes: '/graphql' })),
      ...burst('wandb-api', [502, 503, 500], 'file'),
      ...burst('storage', [500, 502, 503, 503]),
    ];
    for (const rule of rules) s.em.faults.add(rule);
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    assert.equal(failedAnswers(run, 'wandb-api'), 6);
    assert.equal(run.apiRetries, 3, 'GraphQL retries (file redirects are retried by the downloader)');
    assert.equal(assertJitteredBackoffs(run).length, 3);
    assert.equal(failedAnswers(run, 'storage'), 4);
    // A failed storage GET is retried from the file URL, so each costs one redirect and one GET more.
    assert.equal(Scenario.count(run, 'wandb-api', 'file'), 8 + 3 + 4);
    assert.equal(Scenario.count(run, 'storage'), 8 + 4);
  });
});

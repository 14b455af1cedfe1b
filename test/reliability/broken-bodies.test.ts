// Case 3: transfers that break. A connection reset in the middle of a body, a body cut short of its
// Content-Length, a body (or an answer's headers) that stalls past the read timeout, and bytes that arrive
// changed. Each is a failed attempt: the temporary file is dropped, the file is fetched again, and only
// verified bytes ever reach the final path. A stalled storage body resumes after STALL_MS, so an attempt the
// read timeout did not abandon would finish: the exact GET counts show every stall was abandoned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultAction, FaultRule } from '../emulators/common/contracts.ts';
import { assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario } from './support/harness.ts';

const SUITE = '3 broken bodies';
/** Longer than the suite's 2 s read timeout (harness TUNING), which undici's coarse timer may stretch to 2.5 s. */
const STALL_MS = 4000;

/**
 * Body faults on the 150 KiB checkpoints, so the cut lands inside the body: three per file (each file then needs
 * at most 4 of its 5 attempts, whatever order the files are fetched in), every kind used.
 */
function bodyFaults(target: FaultRule['target'], paths: readonly string[]): FaultRule[] {
  const kinds: FaultAction[] = [
    { kind: 'reset', afterBytes: 1000 },
    { kind: 'truncate', bytes: 70_000 },
    { kind: 'stall', ms: STALL_MS, afterBytes: 1000 },
    // The emulator holds the headers too when it stalls at byte 0 (fault-body.ts interrupt() skips
    // flushHeaders once writeHead ran), so this one is a hung answer: the headers timer must fire.
    { kind: 'stall', ms: STALL_MS, afterBytes: 0 },
  ];
  return paths.flatMap((pathIncludes, i) =>
    [0, 1, 2].map((j) => ({ target, pathIncludes, times: 1, action: kinds[(i + j) % kinds.length] as FaultAction })),
  );
}

const NEPTUNE_CHECKPOINTS = ['REL-1/model/checkpoint', 'REL-2/model/checkpoint', 'REL-3/model/checkpoint'];
const WANDB_CHECKPOINTS = ['relrun01/model.ckpt', 'relrun02/model.ckpt'];

describe('resets, truncation and stalls', () => {
  it('Neptune gcp: storage bodies, and API answers that reset, truncate or hang', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    for (const rule of bodyFaults('storage', NEPTUNE_CHECKPOINTS)) s.em.faults.add(rule);
    s.em.faults.add({ target: 'neptune-api', endpoint: 'search', times: 1, action: { kind: 'reset' } });
    s.em.faults.add({ target: 'neptune-api', endpoint: 'attribute-values', times: 1, action: { kind: 'truncate', bytes: 10 } });
    s.em.faults.add({ target: 'neptune-api', endpoint: 'series', times: 1, action: { kind: 'stall', ms: STALL_MS } });
    s.em.faults.add({ target: 'neptune-api', endpoint: 'signed-url', times: 1, action: { kind: 'reset', afterBytes: 20 } });
    const run = await s.run(s.neptune('rel/gcp'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(run.apiRetries, 4, 'each broken API answer is retried once');
    // The hung series answer was abandoned by the read timeout; the emulator would only drop it after STALL_MS.
    const series = run.apiBackoffs.filter((b) => b.endpoint === 'series');
    assert.equal(series.length, 1);
    assert.match(series[0]?.failure ?? '', /timeout/i, 'the series attempt ended by the read timeout');
    // 3 checkpoints, 3 faults each: 9 extra GETs of checkpoint blobs.
    const checkpointGets = run.requests.filter((e) => e.target === 'storage' && decodeURIComponent(e.path).includes('model/checkpoint'));
    assert.equal(checkpointGets.length, 3 + 9);
  });

  it('Neptune azure: ranged reads that reset, truncate and stall', async (t) => {
    const fixture = neptuneFixture({ provider: 'azure' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    for (const rule of bodyFaults('azure', NEPTUNE_CHECKPOINTS)) s.em.faults.add(rule);
    const run = await s.run(s.neptune('rel/azure'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
    assert.equal(Scenario.count(run, 'azure'), 18 + 9);
  });

  it('W&B: storage bodies break or arrive corrupted (MD5 mismatch); a file redirect hangs', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    for (const rule of bodyFaults('storage', WANDB_CHECKPOINTS)) s.em.faults.add(rule);
    s.em.faults.add({ target: 'storage', pathIncludes: 'a.png', times: 2, action: { kind: 'corrupt' } });
    s.em.faults.add({ target: 'wandb-api', endpoint: 'file', times: 1, action: { kind: 'stall', ms: STALL_MS } });
    s.em.faults.add({ target: 'wandb-api', pathIncludes: '/graphql', times: 1, action: { kind: 'truncate', bytes: 5 } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    assert.equal(s.em.faults.injected.get('corrupt'), 2);
    assert.equal(Scenario.count(run, 'storage'), 8 + 6 + 2);
    assert.deepEqual(Object.fromEntries([...s.em.faults.injected].sort()), { corrupt: 2, reset: 1, stall: 4, truncate: 3 });
  });

  it('Neptune gcp: bytes changed in transit are caught', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp' });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({ target: 'storage', pathIncludes: 'model/weights.bin', times: 2, action: { kind: 'corrupt' } });
    const run = await s.run(s.neptune('rel/gcp'));
    assertSucceeded(run);
    await s.verify(run, neptuneExpectation(fixture));
  });
});

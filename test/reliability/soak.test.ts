// Case 12: a soak. Thousands of small files at concurrency 32 while about 5% of all requests (API, W&B file
// redirects, storage) meet a random fault of every kind: 5xx, 429, connection resets, truncated and stalled
// bodies, expired signatures, delays, and corrupted bytes. Every file must end
// downloaded with exactly its bytes.
//
// Size: W&B 20,000 files and Neptune 5,000 runs, in `npm test` and CI too: measured at ~30 s and ~10 s on the
// 2-core machine (35 s and 12 s while other test files ran beside them), well under the ~60 s that would call for
// a smaller CI count. RELIABILITY_SOAK=quick runs 3,000 and 1,000 for quick local iterations. Corrupted bytes in
// the Neptune (gcp) soak are caught by the storage's own MD5 (x-goog-hash), as Neptune reports no checksum.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultAction, FaultRule } from '../emulators/common/contracts.ts';
import { assertSucceeded, neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { Scenario } from './support/harness.ts';

const SUITE = '12 soak';
const FULL = process.env.RELIABILITY_SOAK !== 'quick';
const WANDB_FILES = FULL ? 20_000 : 3_000;
const NEPTUNE_RUNS = FULL ? 5_000 : 1_000;
const FAULT_RATE = 0.05;
/** The default attempt cap: at ~8% failed attempts, 5 attempts would lose a file in a few soaks of 20,000. */
const SOAK_ENV = { DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: '8', DOWNLOAD_EXPERIMENT_FILES_READ_TIMEOUT_MS: '1000' };

const STORAGE_KINDS: FaultAction[] = [
  { kind: 'status', status: 503 },
  { kind: 'status', status: 429, retryAfter: '0' },
  { kind: 'reset', afterBytes: 100 },
  { kind: 'truncate', bytes: 100 },
  { kind: 'stall', ms: 1500, afterBytes: 100 },
  { kind: 'expire' },
  { kind: 'delay', ms: 50 },
  { kind: 'corrupt' },
];
const API_KINDS: FaultAction[] = [
  { kind: 'status', status: 502 },
  { kind: 'status', status: 429, retryAfter: '0' },
  { kind: 'reset' },
  { kind: 'truncate', bytes: 10 },
  { kind: 'delay', ms: 50 },
];

/** Rules that together fault about FAULT_RATE of the matching requests, spread evenly over `kinds`. */
function randomFaults(target: FaultRule['target'], kinds: FaultAction[], endpoint?: string): FaultRule[] {
  const p = 1 - (1 - FAULT_RATE) ** (1 / kinds.length);
  return kinds.map((action) => ({ target, ...(endpoint ? { endpoint } : {}), times: Infinity, probability: p, action }));
}

const injectedTotal = (s: Scenario): number => [...s.em.faults.injected.values()].reduce((a, b) => a + b, 0);

describe('soak with random faults', () => {
  it(`W&B: ${WANDB_FILES} small files, ~5% of requests faulted (every kind) → all correct`, { timeout: 600_000 }, async (t) => {
    const fixture = wandbFixture({ runs: 1, generatedFiles: { count: WANDB_FILES, size: 512 } });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture }, seed: 12 });
    for (const rule of [
      ...randomFaults('storage', STORAGE_KINDS),
      ...randomFaults('wandb-api', API_KINDS, 'file'),
      ...randomFaults('wandb-api', API_KINDS, 'RunFiles'),
    ])
      s.em.faults.add(rule);
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`, { concurrency: '32', 'per-page': '200' }), {
      env: SOAK_ENV,
      timeoutMs: 540_000,
    });
    assertSucceeded(run);
    const { manifest, verified } = await s.verify(run, wandbExpectation(fixture));
    assert.equal(manifest.totals.downloaded, WANDB_FILES + 4);
    assert.equal(verified, WANDB_FILES + 4);
    for (const kind of ['status', 'reset', 'truncate', 'stall', 'expire', 'delay', 'corrupt']) {
      assert.ok((s.em.faults.injected.get(kind) ?? 0) > 0, `no ${kind} fault was injected`);
    }
    const rate = injectedTotal(s) / run.requests.length;
    assert.ok(rate > 0.02 && rate < 0.1, `fault rate ${rate}`);
    s.figures.note = `${WANDB_FILES + 4} files, ${run.requests.length} requests, ${(rate * 100).toFixed(1)}% faulted`;
  });

  it(`Neptune: ${NEPTUNE_RUNS} runs with one file each, ~5% of requests faulted → all correct`, { timeout: 600_000 }, async (t) => {
    const fixture = neptuneFixture({
      provider: 'gcp',
      experiments: 0,
      generatedRuns: { count: NEPTUNE_RUNS, prefix: 'SOAK', attribute: 'files/blob', fileSize: 512, mimeType: 'application/octet-stream' },
    });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture }, seed: 12 });
    for (const rule of [
      ...randomFaults('storage', STORAGE_KINDS),
      ...randomFaults('neptune-api', API_KINDS, 'signed-url'),
      ...randomFaults('neptune-api', API_KINDS, 'attribute-values'),
      ...randomFaults('neptune-api', API_KINDS, 'search'),
    ])
      s.em.faults.add(rule);
    // Small pages and signing batches, so the API faults have many requests to hit.
    const pages = {
      NEPTUNE_QUERY_EXPERIMENT_SYS_ATTRS_BATCH_SIZE: '100',
      NEPTUNE_QUERY_ATTRIBUTE_VALUES_BATCH_SIZE: '100',
      NEPTUNE_QUERY_FILES_BATCH_SIZE: '50',
    };
    const run = await s.run(s.neptune('rel/gcp', { concurrency: '32' }), { env: { ...SOAK_ENV, ...pages }, timeoutMs: 540_000 });
    assertSucceeded(run);
    const { manifest } = await s.verify(run, neptuneExpectation(fixture));
    assert.equal(manifest.totals.downloaded, NEPTUNE_RUNS);
    for (const kind of ['status', 'reset', 'truncate', 'stall', 'expire', 'delay']) {
      assert.ok((s.em.faults.injected.get(kind) ?? 0) > 0, `no ${kind} fault was injected`);
    }
    const rate = injectedTotal(s) / run.requests.length;
    s.figures.note = `${NEPTUNE_RUNS} files, ${run.requests.length} requests, ${(rate * 100).toFixed(1)}% faulted`;
  });
});

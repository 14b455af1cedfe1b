// Case 9: the runner cancels the step (SIGTERM) in the middle of a big download. A 200 MB generated blob stalls
// after its first 8 MiB for longer than the run may last, so it is certainly in flight when the small files have
// finished, and only the action's own cancellation can end it. The action must stop that transfer and exit
// non-zero by itself (were it to wait for the transfer, the harness's safety timeout kills it and the case
// fails saying the action hung), leave no partial or temporary file, and describe in the manifest what did
// finish; the re-run (skip-existing) fetches only what is missing. How long the exit takes is reported in
// docs/reliability.md, not asserted: a busy machine must not fail this case.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { assertSucceeded, neptuneExpectation } from './support/checks.ts';
import { neptuneFixture } from './support/fixtures.ts';
import { Scenario } from './support/harness.ts';
import { TEMP_FILE, walk } from './support/verify.ts';

const SUITE = '9 SIGTERM';
const BIG_BYTES = 200 * 1000 * 1000;
const SMALL_FILES = 18;

/** Resolves once `ready()` holds (polled), then sends SIGTERM; records when. */
function terminateWhen(child: ChildProcess, ready: () => Promise<boolean>, sent: { at?: number }): void {
  void (async () => {
    // Only against waiting forever; well inside the harness's safety timeout.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await ready().catch(() => false)) {
        sent.at = performance.now();
        child.kill('SIGTERM');
        return;
      }
      await delay(25);
    }
  })();
}

describe('SIGTERM during a big download', () => {
  it('stops the transfer and exits non-zero, no partial file; the re-run fetches only what is missing', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp', bigBytes: BIG_BYTES });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({
      target: 'storage',
      pathIncludes: 'model/big.bin',
      times: 1,
      action: { kind: 'stall', ms: 10 * 60_000, afterBytes: 8 * 1024 * 1024 },
    });
    const workspace = await s.newWorkspace();
    const destination = path.join(workspace, 'out');
    const inputs = s.neptune('rel/gcp', { concurrency: '4' });
    const sent: { at?: number } = {};
    const ready = async (): Promise<boolean> => {
      // All small files at their final paths, and the big one's temporary file holding bytes.
      const tree = await walk(destination);
      const temps = tree.files.filter((f) => TEMP_FILE.test(path.posix.basename(f)));
      const finals = tree.files.filter((f) => !TEMP_FILE.test(path.posix.basename(f)));
      return finals.length === SMALL_FILES && temps.length === 1;
    };
    const run = await s.run(inputs, {
      workspace,
      // A long read timeout: the stall must look like a slow transfer, not a dead one.
      env: { DOWNLOAD_EXPERIMENT_FILES_READ_TIMEOUT_MS: '600000' },
      onSpawn: (child) => terminateWhen(child, ready, sent),
    });
    assert.ok(sent.at !== undefined, 'the big download was never in flight with the small files done');
    const exitMs = performance.now() - sent.at;
    assert.equal(run.signal, null, 'the action handled SIGTERM itself');
    assert.equal(run.code, 1);
    assert.ok(
      run.warnings.some((w) => /Received SIGTERM: stopping downloads and removing temporary files/.test(w)),
      run.warnings.join(' | '),
    );
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors[0] ?? '', /cancel/i);
    const { manifest } = await s.verify(
      run,
      neptuneExpectation(fixture, { status: (r) => (r.attribute === 'model/big.bin' ? 'failed' : 'downloaded') }),
    );
    assert.match(manifest.files.find((r) => r.attribute === 'model/big.bin')?.error ?? '', /cancelled before it finished/);
    assert.deepEqual((await readdir(path.join(destination, 'rel-exp-1', 'model'))).sort(), ['checkpoint.bin', 'weights_bin.bin']);

    const rerun = await s.run(inputs, { workspace });
    assertSucceeded(rerun);
    const again = await s.verify(
      rerun,
      neptuneExpectation(fixture, { status: (r) => (r.attribute === 'model/big.bin' ? 'downloaded' : 'skipped') }),
    );
    assert.equal(again.manifest.totals.skipped, SMALL_FILES);
    assert.equal(Scenario.count(rerun, 'storage'), 1, 'only the big file is fetched again');
    s.figures.note = `SIGTERM → exit in ${Math.round(exitMs)} ms`;
  });
});

// Runs that stop early still end cleanly (docs/reliability.md, "Failure classes"): one error naming the cause,
// the manifest (unless it is what cannot be written), the outputs and the job summary, and no temporary file —
// when the disk fills while the listing is still paging, when the manifest cannot be written, after a second
// signal, and after a kill -9 (the next run removes what the killed one left).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { contentBytes } from '../emulators/common/content.ts';
import { neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, REL_WANDB_ENTITY, wandbFixture } from './support/fixtures.ts';
import { DESTINATION, Scenario, type CaseRun } from './support/harness.ts';
import { stagingLeftovers, TEMP_FILE, walk } from './support/verify.ts';

const SUITE = 'stopped runs';
const BIG = 'model/big.bin';

/** The parts every stopped run must end with, whatever stopped it. */
function assertEndedCleanly(run: CaseRun, cause: RegExp): void {
  assert.equal(run.signal, null, 'the action handled the end itself, not killed');
  assert.equal(run.code, 1);
  assert.equal(run.errors.length, 1, `exactly one error: ${run.errors.join(' | ')}`);
  assert.match(run.errors[0] ?? '', cause);
  assert.doesNotMatch(run.stderr, /Unhandled|unhandled|\n\s+at .*\.(ts|js):\d+/, 'no crash, no stack trace');
  for (const output of ['files-count', 'failed-count', 'missing-count', 'bytes', 'paths']) {
    assert.ok(run.outputs[output] !== undefined, `output '${output}' is set`);
  }
  assert.notEqual(run.summary.trim(), '', 'the job summary is written');
}

/** Polls `ready` and sends `signals` (a gap between them) once it holds; resolves the send times into `sent`. */
function signalWhen(child: ChildProcess, ready: () => Promise<boolean>, signals: { signal: NodeJS.Signals; afterMs: number }[]): void {
  void (async () => {
    for (let i = 0; i < 1200 && child.exitCode === null; i += 1) {
      if (await ready().catch(() => false)) {
        for (const { signal, afterMs } of signals) {
          await delay(afterMs);
          child.kill(signal);
        }
        return;
      }
      await delay(25);
    }
  })();
}

/**
 * True once the big file's transfer is in flight: a temporary file holding the megabyte that comes before its
 * stall (small files' temporary files come and go too fast to be the one a signal should meet).
 */
async function transferInFlight(destination: string): Promise<boolean> {
  const tree = await walk(destination);
  for (const f of tree.files.filter((f) => TEMP_FILE.test(path.posix.basename(f)))) {
    const info = await stat(path.join(destination, f)).catch(() => undefined);
    if (info !== undefined && info.size >= 1 << 20) return true;
  }
  return false;
}

describe('runs that stop early end cleanly', () => {
  it('a full disk while the listing is still paging: one error, the manifest, outputs, summary, no temporary file', async (t) => {
    const fixture = wandbFixture({
      runs: 3,
      extraFiles: [{ name: 'aaa/big.bin', content: { generate: { size: 3 * 1024 * 1024, seed: 'big' } } }],
    });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    // One file per page, and every page after the first slow: the big file's failure comes while the other
    // runs' pages are still being listed.
    s.em.faults.add({ target: 'wandb-api', endpoint: 'RunFiles', times: Infinity, action: { kind: 'delay', ms: 300 } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`, { 'per-page': '1', concurrency: '2' }), { shellPrefix: 'ulimit -f 1024' });
    assertEndedCleanly(run, /The disk is full \(or a size limit was hit\) while writing 'relrun01\/aaa\/big\.bin'/);
    const { manifest } = await s.verify(
      run,
      wandbExpectation(fixture, { status: (r) => (r.status === 'downloaded' ? 'downloaded' : 'failed'), allowUnknown: true }),
    );
    assert.ok(manifest.files.some((r) => r.attribute === 'aaa/big.bin' && /disk is full/.test(r.error ?? '')));
    assert.ok(
      run.requests.some((e) => e.endpoint === 'RunFiles' && e.at > (run.requests.find((r) => r.target === 'storage')?.at ?? Infinity)),
      'pages were still being listed after downloads began',
    );
  });

  it('a manifest that cannot be written (a folder named manifest.json): one error saying so, outputs, summary, files kept', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const workspace = await s.newWorkspace();
    await mkdir(path.join(workspace, DESTINATION, 'manifest.json'), { recursive: true });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`), { workspace });
    assertEndedCleanly(
      run,
      /The manifest .*manifest\.json could not be written: 'manifest\.json' in the destination is a folder; remove it\./,
    );
    assert.equal(run.outputs.manifest, '', 'no manifest output when none was written');
    assert.equal(run.outputs['files-count'], '8');
    assert.equal(run.outputs['failed-count'], '0');
    // Every file is there with its bytes, and nothing else but the planted folder.
    const tree = await walk(run.destination);
    assert.equal(tree.files.length, 8, tree.files.join(', '));
    const first = fixture.projects[0]?.runs[0]?.files[0];
    assert.ok(first);
    assert.deepEqual(
      await readFile(path.join(run.destination, 'relrun01', first.name)),
      contentBytes(first.content, `${REL_WANDB_ENTITY}/rel/relrun01/${first.name}`),
    );
    assert.deepEqual(await stagingLeftovers(run.destination), []);
  });

  it('a second SIGTERM during the clean-up does not kill it: exit 1, the manifest, no temporary file', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp', bigBytes: 64 * 1024 * 1024 });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({
      target: 'storage',
      pathIncludes: 'model/big.bin',
      times: 1,
      action: { kind: 'stall', ms: 60_000, afterBytes: 1 << 20 },
    });
    const workspace = await s.newWorkspace();
    const destination = path.join(workspace, DESTINATION);
    const run = await s.run(s.neptune('rel/gcp', { concurrency: '4' }), {
      workspace,
      env: { DOWNLOAD_EXPERIMENT_FILES_READ_TIMEOUT_MS: '120000' },
      onSpawn: (child) =>
        signalWhen(child, () => transferInFlight(destination), [
          { signal: 'SIGTERM', afterMs: 0 },
          { signal: 'SIGTERM', afterMs: 15 },
        ]),
    });
    assert.equal(run.signal, null, 'the second SIGTERM did not kill the process');
    assert.equal(run.code, 1);
    assert.ok(run.warnings.some((w) => /Received SIGTERM: stopping downloads/.test(w)));
    assert.ok(
      run.warnings.some((w) => /Received SIGTERM again: still stopping/.test(w)),
      run.warnings.join(' | '),
    );
    await s.verify(
      run,
      neptuneExpectation(fixture, {
        status: (r) => (r.attribute === BIG ? 'failed' : r.status === 'downloaded' ? 'downloaded' : 'failed'),
      }),
    );
  });

  it('after kill -9 the staging folder stays behind, and the next run removes it and finishes', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp', bigBytes: 64 * 1024 * 1024 });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    s.em.faults.add({
      target: 'storage',
      pathIncludes: 'model/big.bin',
      times: 1,
      action: { kind: 'stall', ms: 60_000, afterBytes: 1 << 20 },
    });
    const workspace = await s.newWorkspace();
    const destination = path.join(workspace, DESTINATION);
    const inputs = s.neptune('rel/gcp', { concurrency: '4' });
    const killed = await s.run(inputs, {
      workspace,
      env: { DOWNLOAD_EXPERIMENT_FILES_READ_TIMEOUT_MS: '120000' },
      onSpawn: (child) => signalWhen(child, () => transferInFlight(destination), [{ signal: 'SIGKILL', afterMs: 0 }]),
    });
    assert.equal(killed.signal, 'SIGKILL');
    const left = await stagingLeftovers(destination);
    assert.equal(left.length, 1, 'the killed run left its staging folder');
    assert.ok(
      (await readdir(path.join(destination, left[0] as string))).some((f) => TEMP_FILE.test(f)),
      'with a partial file in it',
    );

    const rerun = await s.run(inputs, { workspace });
    assert.equal(rerun.code, 0, rerun.stdout.slice(-1500));
    assert.match(rerun.stdout, /Removed the unfinished downloads of 1 earlier run\(s\) into this destination that did not end\./);
    await s.verify(rerun, neptuneExpectation(fixture, { status: (r) => (r.status === 'skipped' ? 'skipped' : 'downloaded') }));
  });
});

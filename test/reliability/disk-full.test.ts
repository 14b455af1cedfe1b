// Case 8: the disk fills during a write. The action runs under `ulimit -f` (bash, then exec node), so writing
// past the limit fails with EFBIG — Node ignores SIGXFSZ itself, so the process is not killed and write()
// returns the error (checked: no `trap '' XFSZ` is needed). The run must stop cleanly: no partial file and no
// temporary file left, a clear message, a non-zero exit, a manifest that describes what did finish; and a
// re-run without the limit completes the rest.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ManifestRecord } from '../../src/core/report/manifest.ts';
import { neptuneExpectation } from './support/checks.ts';
import { neptuneFixture } from './support/fixtures.ts';
import { DESTINATION, Scenario } from './support/harness.ts';

const SUITE = '8 disk full';
/** `ulimit -f` counts 1024-byte blocks: 1 MiB per file; the big file is 3 MiB, everything else far smaller. */
const LIMIT_BLOCKS = 1024;
const BIG = 'model/big.bin';

describe('a full disk during a write', () => {
  it('EFBIG on one file → clean abort, no partial file, clear message, non-zero exit; a re-run finishes', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp', bigBytes: 3 * 1024 * 1024 });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const workspace = await s.newWorkspace();
    // Concurrency 2: the big file is among the first taken, so most files are still to come when it fails.
    const inputs = s.neptune('rel/gcp', { concurrency: '2' });
    const run = await s.run(inputs, { workspace, shellPrefix: `ulimit -f ${LIMIT_BLOCKS}` });

    assert.equal(run.signal, null, 'not killed by SIGXFSZ');
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(
      run.errors[0] ?? '',
      /The disk is full \(or a size limit was hit\) while writing 'rel-exp-1\/model\/big_bin\.bin'.*nothing partial was kept/,
    );
    assert.doesNotMatch(run.stdout + run.stderr, /at .*\.ts:\d+|EFBIG: file too large, write\n\s+at/, 'no stack trace');
    const stopped = (r: ManifestRecord) => (r.attribute === BIG ? 'failed' : r.status === 'downloaded' ? 'downloaded' : 'failed');
    const { manifest } = await s.verify(run, neptuneExpectation(fixture, { status: stopped }));
    const big = manifest.files.find((r) => r.attribute === BIG);
    assert.equal(big?.status, 'failed');
    await t.test('the manifest names the full disk as the reason of the file that hit it', () => {
      assert.match(big?.error ?? '', /disk is full/);
    });
    const failed = manifest.files.filter((r) => r.status === 'failed');
    assert.ok(failed.length > 1, 'the run stopped taking files after the disk filled');
    for (const r of failed) assert.match(r.error ?? '', /not downloaded: the run stopped early|disk is full/);
    assert.ok(manifest.totals.downloaded >= 1, 'files that finished before stay described');

    const rerun = await s.run(inputs, { workspace });
    assert.equal(rerun.code, 0, rerun.stdout.slice(-1000));
    const again = await s.verify(
      rerun,
      neptuneExpectation(fixture, {
        status: (r) =>
          manifest.files.find((m) => m.container === r.container && m.attribute === r.attribute && m.step === r.step)?.status ===
          'downloaded'
            ? 'skipped'
            : 'downloaded',
      }),
    );
    assert.equal(again.manifest.totals.downloaded, failed.length, 'only what was missing is fetched');
    assert.equal(Scenario.count(rerun, 'storage'), failed.length);
  });

  it('ENOSPC on a real full file system (a 2 MiB tmpfs as the destination) → the same clean abort', async (t) => {
    const fixture = neptuneFixture({ provider: 'gcp', bigBytes: 3 * 1024 * 1024 });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const workspace = await s.newWorkspace();
    const mountPoint = path.join(workspace, DESTINATION);
    await mkdir(mountPoint);
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
    } catch {
      t.skip('cannot mount a tmpfs here (needs root); the ulimit case covers the same code path');
      return;
    }
    try {
      const result = await s.run(s.neptune('rel/gcp', { concurrency: '2' }), { workspace });
      assert.equal(result.code, 1);
      assert.equal(result.errors.length, 1, result.errors.join(' | '));
      // Whichever file's write meets the full file system names it (the big one filled it).
      assert.match(
        result.errors[0] ?? '',
        /The disk is full \(or a size limit was hit\) while writing 'rel-exp-\d\/[^']+'.*nothing partial was kept/,
      );
      const stopped = (r: ManifestRecord) => (r.attribute === BIG ? 'failed' : r.status === 'downloaded' ? 'downloaded' : 'failed');
      const { manifest } = await s.verify(result, neptuneExpectation(fixture, { status: stopped }));
      assert.ok(manifest.totals.downloaded >= 1);
    } finally {
      // Before the scenario removes the workspace: a mount point cannot be removed.
      await run('umount', ['-l', mountPoint]);
    }
  });
});

const run = promisify(execFile);

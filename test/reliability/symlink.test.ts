// Case 11: symbolic links planted in the destination that point outside it — a run folder that is a link to a
// folder elsewhere, and a file path that is a link to a file elsewhere. Nothing may be written through either:
// the outside folder stays empty and the outside file keeps its bytes. A linked file path is replaced by the
// downloaded file (rename replaces the link itself); a linked folder stops the run with a clear message.
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { assertSucceeded, wandbExpectation } from './support/checks.ts';
import { wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { DESTINATION, Scenario } from './support/harness.ts';

const SUITE = '11 planted symlinks';
const PRECIOUS = 'precious bytes outside the destination\n';

async function plant(workspace: string): Promise<{ outsideDir: string; outsideFile: string }> {
  const destination = path.join(workspace, DESTINATION);
  const outsideDir = path.join(workspace, 'outside-dir');
  const outsideFile = path.join(workspace, 'outside-file.txt');
  await mkdir(outsideDir);
  await writeFile(outsideFile, PRECIOUS);
  await mkdir(path.join(destination, 'relrun02'), { recursive: true });
  await symlink(outsideFile, path.join(destination, 'relrun02', 'config.yaml'));
  return { outsideDir, outsideFile };
}

describe('planted symlinks', () => {
  it('a linked file path is replaced, never written through; the target keeps its bytes', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const workspace = await s.newWorkspace();
    const { outsideFile } = await plant(workspace);
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`), { workspace });
    assertSucceeded(run);
    await s.verify(run, wandbExpectation(fixture));
    assert.equal(await readFile(outsideFile, 'utf8'), PRECIOUS);
    assert.ok((await lstat(path.join(run.destination, 'relrun02', 'config.yaml'))).isFile(), 'the link was replaced by the file');
  });

  it('overwrite=error: a linked file path fails that file, the target keeps its bytes', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const workspace = await s.newWorkspace();
    const { outsideFile } = await plant(workspace);
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`, { overwrite: 'error' }), { workspace });
    assert.equal(run.code, 1);
    assert.match(run.errors[0] ?? '', /relrun02: config\.yaml: a file already exists at 'relrun02\/config\.yaml'/);
    await s.verify(
      run,
      wandbExpectation(fixture, {
        status: (r) => (r.container === 'relrun02' && r.attribute === 'config.yaml' ? 'failed' : 'downloaded'),
        planted: ['relrun02/config.yaml'],
      }),
    );
    assert.equal(await readFile(outsideFile, 'utf8'), PRECIOUS);
  });

  it('a linked run folder is not followed: nothing lands where it points, its files fail alone, the rest downloads', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const workspace = await s.newWorkspace();
    const outsideDir = path.join(workspace, 'outside-dir');
    await mkdir(outsideDir);
    await mkdir(path.join(workspace, DESTINATION));
    await symlink(outsideDir, path.join(workspace, DESTINATION, 'relrun01'));
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`), { workspace });
    assert.deepEqual(await readdir(outsideDir), [], 'written through the link');
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1, run.errors.join(' | '));
    assert.match(run.errors.join('\n'), /'relrun01' in the destination is a symbolic link; refusing to write through it/);
    // A file that cannot be written fails alone (docs/reliability.md, failure classes): every file under the
    // link fails with that reason, every other file downloads.
    const { manifest } = await s.verify(
      run,
      wandbExpectation(fixture, {
        status: (r) => (r.container === 'relrun01' ? 'failed' : 'downloaded'),
        planted: ['relrun01'],
      }),
    );
    const failed = manifest.files.filter((f) => f.status === 'failed');
    assert.ok(failed.length > 0);
    for (const r of failed) {
      assert.match(
        r.error ?? '',
        /^cannot write 'relrun01\/[^']+': 'relrun01' in the destination is a symbolic link/,
        `${r.container}: ${r.attribute}`,
      );
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalPathPlanner, resolveInside, safeComponent, type LocalPathOptions } from '../../../src/core/plan/local-paths.ts';
import type { RemoteFile } from '../../../src/core/types.ts';

const file = (pathParts: string[], extra: Partial<RemoteFile> = {}): RemoteFile => ({
  backend: 'wandb',
  project: 'e/p',
  containerKind: 'run',
  container: pathParts[0] ?? 'run',
  attribute: pathParts.slice(1).join('/'),
  pathParts,
  handle: null,
  ...extra,
});

describe('safeComponent', () => {
  it('keeps ordinary names on both flavors', () => {
    for (const flavor of ['posix', 'win32'] as const) {
      assert.equal(safeComponent('model.ckpt', flavor), 'model.ckpt');
      assert.equal(safeComponent('exp_ü_名', flavor), 'exp_ü_名');
    }
  });

  it('rejects names that are not names', () => {
    for (const bad of ['', '.', '..', 'a\u0000b', 'a/b']) {
      assert.throws(() => safeComponent(bad, 'posix'), /path segment|NUL/);
      assert.throws(() => safeComponent(bad, 'win32'), /path segment|NUL/);
    }
  });

  it('makes Windows-invalid names valid on win32 only', () => {
    assert.equal(safeComponent('a:b?c*d', 'win32'), 'a_b_c_d');
    assert.equal(safeComponent('a:b', 'posix'), 'a:b');
    assert.equal(safeComponent('trailing. ', 'win32'), 'trailing__');
    assert.equal(safeComponent('CON', 'win32'), 'CON_');
    assert.equal(safeComponent('nul.txt', 'win32'), 'nul_.txt');
    assert.equal(safeComponent('Com1.log', 'win32'), 'Com1_.log');
    assert.equal(safeComponent('console', 'win32'), 'console');
    assert.equal(safeComponent('CON', 'posix'), 'CON');
    assert.equal(safeComponent('tab\there', 'win32'), 'tab_here');
  });

  it('treats a backslash as a separator on Windows', () => {
    assert.throws(() => safeComponent('..\\evil', 'win32'), /separator on Windows/);
    assert.equal(safeComponent('a\\b', 'posix'), 'a\\b');
  });

  it('rejects names longer than 255 bytes', () => {
    assert.equal(safeComponent('x'.repeat(255), 'posix').length, 255);
    assert.throws(() => safeComponent('x'.repeat(256), 'posix'), /256 bytes long/);
    // 100 characters but 300 bytes.
    assert.throws(() => safeComponent('名'.repeat(100), 'win32'), /300 bytes long/);
  });
});

describe('resolveInside', () => {
  it('joins under the destination (posix and win32)', () => {
    assert.deepEqual(resolveInside('/dest', ['run1', 'media', 'x.png'], 'posix'), {
      finalPath: '/dest/run1/media/x.png',
      relativePath: 'run1/media/x.png',
    });
    assert.deepEqual(resolveInside('C:\\dest', ['run1', 'a:b.txt'], 'win32'), {
      finalPath: 'C:\\dest\\run1\\a_b.txt',
      relativePath: 'run1/a_b.txt',
    });
  });

  it('never leaves the destination', () => {
    for (const parts of [['..', 'x'], ['a', '..', '..', 'x'], ['/etc', 'passwd'], []]) {
      assert.throws(() => resolveInside('/dest', parts, 'posix'));
    }
    for (const parts of [['..\\x'], ['\\\\server\\share'], ['..']]) {
      assert.throws(() => resolveInside('C:\\dest', parts, 'win32'));
    }
    // A drive letter inside a name is made harmless rather than rejected.
    assert.equal(resolveInside('C:\\dest', ['C:', 'x'], 'win32').finalPath, 'C:\\dest\\C_\\x');
  });
});

describe('LocalPathPlanner', () => {
  const options: LocalPathOptions = { destination: '/dest', flavor: 'posix', caseInsensitive: false, reserved: ['manifest.json'] };

  it('plans paths and rejects hostile ones without throwing', () => {
    const planner = new LocalPathPlanner(options);
    assert.equal(planner.plan(file(['r', 'a.txt']))?.finalPath, '/dest/r/a.txt');
    const hostile = planner.plan(file(['r', '..', '..', 'etc', 'passwd']));
    assert.equal(hostile?.finalPath, undefined);
    assert.match(hostile?.rejected ?? '', /unsafe name/);
    const flagged = planner.plan(file(['r', 'x'], { invalidName: 'absolute path' }));
    assert.equal(flagged?.rejected, 'absolute path');
  });

  it('detects two files mapping to one path, and file/folder clashes', () => {
    const planner = new LocalPathPlanner(options);
    planner.plan(file(['r', 'a']));
    assert.match(planner.plan(file(['r', 'a'], { attribute: 'other' }))?.rejected ?? '', /already taken by r: other|already taken by r: a/);
    assert.match(planner.plan(file(['r', 'a', 'b']))?.rejected ?? '', /already the file of/);
    planner.plan(file(['r', 'dir', 'f']));
    assert.match(planner.plan(file(['r', 'dir']))?.rejected ?? '', /is a folder of other/);
    assert.match(planner.plan(file(['manifest.json']))?.rejected ?? '', /a file this tool writes/);
  });

  it('treats case (and Unicode normalisation) as equal on case-insensitive systems', () => {
    const insensitive = new LocalPathPlanner({ ...options, caseInsensitive: true });
    insensitive.plan(file(['r', 'Model.ckpt']));
    assert.ok(insensitive.plan(file(['r', 'model.CKPT']))?.rejected);
    insensitive.plan(file(['r', 'caf\u00e9']));
    assert.ok(insensitive.plan(file(['r', 'cafe\u0301']))?.rejected);
    const sensitive = new LocalPathPlanner(options);
    sensitive.plan(file(['r', 'Model.ckpt']));
    assert.equal(sensitive.plan(file(['r', 'model.CKPT']))?.rejected, undefined);
  });

  it("never writes into git's own folder, at any depth, nor adds a first-level .github", () => {
    const planner = new LocalPathPlanner(options);
    for (const parts of [
      ['.git', 'config'],
      ['.git', 'hooks', 'pre-commit'],
      ['run', 'sub', '.git', 'HEAD'],
      ['.github', 'workflows', 'x.yml'],
    ]) {
      assert.match(planner.plan(file(parts))?.rejected ?? '', /unsafe name: '\.git(hub)?'/, parts.join('/'));
    }
    // Deeper, `.github` is just a folder of a run; `.GIT` is another folder where case matters.
    assert.equal(planner.plan(file(['run', '.github', 'workflows', 'x.yml']))?.rejected, undefined);
    assert.equal(planner.plan(file(['run', '.GIT', 'config']))?.rejected, undefined);
    const insensitive = new LocalPathPlanner({ ...options, caseInsensitive: true });
    assert.match(insensitive.plan(file(['run', '.GIT', 'config']))?.rejected ?? '', /git's own folder/);
    const windows = new LocalPathPlanner({ ...options, destination: 'C:\\dest', flavor: 'win32', caseInsensitive: true });
    assert.match(windows.plan(file(['run', 'GIT~1', 'config']))?.rejected ?? '', /git's own folder/);
    assert.match(windows.plan(file(['run', '.git.', 'config']))?.rejected ?? '', /git's own folder/);
    assert.match(planner.plan(file(['.def-tmp-12-ab', 'x']))?.rejected ?? '', /staging folder/);
  });

  it('refuses a path longer than file systems allow before building it (deep names cost their length only)', () => {
    const planner = new LocalPathPlanner(options);
    const deep = ['run', ...Array.from({ length: 10_000 }, () => 'a'), 'f.txt'];
    assert.match(planner.plan(file(deep))?.rejected ?? '', /20015 bytes long \(10002 levels\); file systems allow 4095/);
    const levels = (n: number) => ['r', ...Array.from({ length: n }, (_, i) => `d${String(i).padStart(3, '0')}`)];
    // '/dest' (5) + '/r' (2) + n × '/dNNN' (5): 817 levels are 4092 bytes; 818 and a file '/x' are 4099.
    assert.equal(planner.plan(file(levels(817)))?.rejected, undefined);
    assert.match(planner.plan(file(levels(818).concat('x')))?.rejected ?? '', /4099 bytes long/);
  });

  it('plans a file listed twice once, and drops a repeated rejection too', () => {
    const planner = new LocalPathPlanner(options);
    const first = planner.plan(file(['r', 'a.txt']));
    assert.equal(first?.finalPath, '/dest/r/a.txt');
    assert.equal(planner.plan(file(['r', 'a.txt'])), undefined, 'the same file again');
    assert.match(planner.plan(file(['r', 'a.txt'], { step: 2 }))?.rejected ?? '', /already taken/, 'another file for the same path');
    assert.match(planner.plan(file(['.git', 'x']))?.rejected ?? '', /git/);
    assert.equal(planner.plan(file(['.git', 'x'])), undefined);
  });
});

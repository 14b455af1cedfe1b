import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFileName, checkRunId } from '../../../src/backends/wandb/file-names.ts';

describe('checkFileName (wandb.md §4)', () => {
  it('keeps folders and normalises like PurePosixPath', () => {
    assert.deepEqual(checkFileName('media/images/x.png'), { ok: true, parts: ['media', 'images', 'x.png'] });
    assert.deepEqual(checkFileName('a//b/./c/'), { ok: true, parts: ['a', 'b', 'c'] });
    assert.deepEqual(checkFileName('./x'), { ok: true, parts: ['x'] });
    assert.deepEqual(checkFileName('...'), { ok: true, parts: ['...'] });
    assert.deepEqual(checkFileName('ab:c'), { ok: true, parts: ['ab:c'] }, 'a colon elsewhere is adapted by the core layout');
  });

  it('refuses hostile names with a reason', () => {
    const cases: [string, RegExp][] = [
      ['../x', /'\.\.' segment/],
      ['a/../../x', /'\.\.' segment/],
      ['a/..', /'\.\.' segment/],
      ['/etc/passwd', /absolute/],
      ['//server/share/x', /absolute/],
      ['C:x', /drive/],
      ['c:/x', /drive/],
      ['a:b', /drive/],
      ['a\\b', /backslash/],
      ['\\\\server\\x', /backslash/],
      ['a\0b', /NUL/],
      ['', /normalises to/],
      ['.', /normalises to/],
      ['./', /normalises to/],
    ];
    for (const [name, reason] of cases) {
      const check = checkFileName(name);
      assert.equal(check.ok, false, JSON.stringify(name));
      if (!check.ok) {
        assert.match(check.reason, reason);
        assert.ok(!check.reason.includes('\0'), 'the reason shows NUL escaped');
      }
    }
  });
});

describe('checkRunId', () => {
  it('accepts plain ids and refuses separators or dot names', () => {
    assert.equal(checkRunId('a1b2c3d4').ok, true);
    for (const id of ['', '.', '..', 'a/b', 'a\\b', 'C:x', 'a\0']) assert.equal(checkRunId(id).ok, false, JSON.stringify(id));
  });
});

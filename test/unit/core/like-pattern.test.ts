import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { likeToRegExp } from '../../../src/core/names/like-pattern.ts';

const like = (pattern: string, name: string, caseInsensitive = false): boolean => likeToRegExp(pattern, { caseInsensitive }).test(name);

describe('likeToRegExp (MySQL LIKE, wandb.md §2.3)', () => {
  it('% matches any run (also empty, also newlines), _ exactly one character', () => {
    assert.ok(like('%.json', 'a/b.json'));
    assert.ok(like('%.json', '.json'));
    assert.ok(like('a%', 'a\nb'));
    assert.ok(like('a_c', 'abc'));
    assert.ok(!like('a_c', 'ac'));
    assert.ok(!like('a_c', 'abbc'));
    assert.ok(like('_', '😀'), 'one code point, not one UTF-16 unit');
  });

  it('is anchored and treats regex syntax literally', () => {
    assert.ok(!like('b', 'abc'));
    assert.ok(like('a.c', 'a.c'));
    assert.ok(!like('a.c', 'abc'));
    assert.ok(like('(x)[y]{1}+?*^$|/', '(x)[y]{1}+?*^$|/'));
  });

  it('\\ escapes %, _ and itself; a trailing \\ is literal', () => {
    assert.ok(like('100\\%', '100%'));
    assert.ok(!like('100\\%', '1000'));
    assert.ok(like('a\\_b', 'a_b'));
    assert.ok(!like('a\\_b', 'axb'));
    assert.ok(like('a\\\\b', 'a\\b'));
    assert.ok(like('a\\', 'a\\'));
    assert.ok(like('\\x', 'x'));
  });

  it('is case-sensitive unless asked otherwise', () => {
    assert.ok(!like('%.PNG', 'x.png'));
    assert.ok(like('%.PNG', 'x.png', true));
  });

  it('collapses runs of % (no pathological backtracking)', () => {
    // One `.*` per run of `%`: twenty nested `.*` would backtrack for ages on a long name that fails to match.
    assert.equal(likeToRegExp('%%%%%%%%%%%%%%%%%%%%b').source, '^.*b$');
    assert.equal(likeToRegExp('a%%_%%b').source, '^a.*..*b$');
    assert.ok(!like('%%%%%%%%%%%%%%%%%%%%b', 'a'.repeat(5000)));
  });
});

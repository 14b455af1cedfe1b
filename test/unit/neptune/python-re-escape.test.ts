// The client's extended-regex splitting and re.escape (neptune.md §4.2, §5.2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributeNameFilters } from '../../../src/backends/neptune/api/attribute-definitions.ts';
import { parseExtendedRegex, pythonStrip } from '../../../src/core/names/extended-regex.ts';
import { exactNamesRegex, pythonReEscape } from '../../../src/backends/neptune/query/python-re-escape.ts';

describe('parseExtendedRegex', () => {
  it('splits alternatives and conjunctions, negates ! parts', () => {
    assert.deepEqual(parseExtendedRegex('a & !b | c'), [
      { positive: ['a'], negated: ['b'] },
      { positive: ['c'], negated: [] },
    ]);
  });
  it('needs whitespace around | and &', () => {
    assert.deepEqual(parseExtendedRegex('a|b&c'), [{ positive: ['a|b&c'], negated: [] }]);
    assert.deepEqual(parseExtendedRegex('a\t|\nb'), [
      { positive: ['a'], negated: [] },
      { positive: ['b'], negated: [] },
    ]);
  });
  it('allows whitespace after !, and turns \\x20 / \\x21 into space and !', () => {
    assert.deepEqual(parseExtendedRegex('!  x\\x20y & \\x21z'), [{ positive: ['!z'], negated: ['x y'] }]);
  });
  it('strips the pattern first (Python whitespace, not U+FEFF)', () => {
    assert.deepEqual(parseExtendedRegex('  ^exp \n'), [{ positive: ['^exp'], negated: [] }]);
    assert.equal(pythonStrip('\u001c x \u0085'), 'x');
    assert.equal(pythonStrip('\ufeffx'), '\ufeffx');
  });
});

describe('re.escape and exact-name regexes (§5.2)', () => {
  it('escapes what Python 3.7+ escapes, not /', () => {
    assert.equal(pythonReEscape('files/a.txt'), 'files/a\\.txt');
    assert.equal(
      pythonReEscape('()[]{}?*+-|^$\\.&~# \t\n\r\v\f'),
      '\\(\\)\\[\\]\\{\\}\\?\\*\\+\\-\\|\\^\\$\\\\\\.\\&\\~\\#\\ \\\t\\\n\\\r\\\v\\\f',
    );
    assert.equal(pythonReEscape('a_b/c=d:é'), 'a_b/c=d:é');
  });
  it('one name → ^name$, several → ^(a|b)$', () => {
    assert.equal(exactNamesRegex(['files/a.txt']), '^files/a\\.txt$');
    assert.equal(exactNamesRegex(['files/a.txt', 'files/b']), '^(files/a\\.txt|files/b)$');
  });
});

describe('attributeNameFilter bodies (§5.2 table)', () => {
  it('none → {}', () => assert.deepEqual(attributeNameFilters(undefined, 60_000), [{}]));
  it('regex "^files/ | ^images/"', () => {
    assert.equal(
      JSON.stringify(attributeNameFilters({ kind: 'regex', pattern: '^files/ | ^images/' }, 60_000)),
      '[{"mustMatchAny":[{"mustMatchRegexes":["^files/"]},{"mustMatchRegexes":["^images/"]}]}]',
    );
  });
  it('regex "img & !thumb | ^pred"', () => {
    assert.equal(
      JSON.stringify(attributeNameFilters({ kind: 'regex', pattern: 'img & !thumb | ^pred' }, 60_000)),
      '[{"mustMatchAny":[{"mustMatchRegexes":["img"],"mustNotMatchRegexes":["thumb"]},{"mustMatchRegexes":["^pred"]}]}]',
    );
  });
  it('exact list', () => {
    assert.equal(
      JSON.stringify(attributeNameFilters({ kind: 'names', names: ['files/a.txt', 'files/b'] }, 60_000)),
      '[{"mustMatchAny":[{"mustMatchRegexes":["^(files/a\\\\.txt|files/b)$"]}]}]',
    );
    assert.equal(
      JSON.stringify(attributeNameFilters({ kind: 'names', names: ['files/a.txt'] }, 60_000)),
      '[{"mustMatchAny":[{"mustMatchRegexes":["^files/a\\\\.txt$"]}]}]',
    );
  });
  it('splits long name lists into ≤ limit-byte groups, one request each', () => {
    const names = ['aaaa', 'bbbb', 'cccc'];
    assert.deepEqual(
      attributeNameFilters({ kind: 'names', names }, 8).map((f) => f.mustMatchAny?.[0]?.mustMatchRegexes),
      [['^(aaaa|bbbb)$'], ['^cccc$']],
    );
  });
});

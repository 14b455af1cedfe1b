// The filter language: parsing, compiling to the client's filter objects, and errors with positions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '../../../src/backends/neptune/query/filter-compile.ts';
import { parseFilter } from '../../../src/backends/neptune/query/filter-language.ts';
import { filterAttributes, renderNql } from '../../../src/backends/neptune/query/nql.ts';
import { KNOWN_SYS_ATTRIBUTES } from '../../../src/backends/neptune/query/type-inference.ts';
import { InputError } from '../../../src/core/errors.ts';

/** Compiles and renders, typing unknown attributes as `fallback` (what inference would find). */
function nql(filter: string, fallback = 'float'): string {
  const compiled = compileFilter(parseFilter(filter));
  for (const attribute of filterAttributes(compiled)) attribute.type ??= KNOWN_SYS_ATTRIBUTES[attribute.name] ?? fallback;
  return renderNql(compiled);
}

describe('compiles like the equivalent Python Filter expression', () => {
  it('the example of the brief: & nests left to right, contains is contains_all, not is ~', () => {
    assert.equal(
      nql('config/lr >= 0.001 and sys/tags contains "best" and not sys/failed == true'),
      '((`config/lr`:float >= "0.001") AND ((`sys/tags`:stringSet CONTAINS "best"))) AND (NOT (`sys/failed`:bool == "True"))',
    );
  });
  it('and binds tighter than or; not tighter than and; parentheses only group', () => {
    assert.equal(nql('a == 1 or b == 2 and c == 3', 'int'), '(`a`:int == "1") OR ((`b`:int == "2") AND (`c`:int == "3"))');
    assert.equal(nql('not a == 1 and b == 2', 'int'), '(NOT (`a`:int == "1")) AND (`b`:int == "2")');
    assert.equal(nql('((a == 1))', 'int'), '`a`:int == "1"');
  });
  it('keywords in any case', () => assert.equal(nql('a == 1 AND NOT b EXISTS', 'int'), '(`a`:int == "1") AND (NOT (`b`:int EXISTS))'));
  it('values are Python str(): ints as written, float repr, True/False, strings as given', () => {
    assert.equal(nql('a == 64', 'int'), '`a`:int == "64"');
    assert.equal(nql('a == -5', 'int'), '`a`:int == "-5"');
    assert.equal(nql('a == 007', 'int'), '`a`:int == "7"');
    assert.equal(nql('a == 12345678901234567890123', 'int'), '`a`:int == "12345678901234567890123"');
    assert.equal(nql('a < 1e-7'), '`a`:float < "1e-07"');
    assert.equal(nql('a < 1e+5'), '`a`:float < "100000.0"');
    assert.equal(nql('a != 64.0'), '`a`:float != "64.0"');
    assert.equal(nql('a > .5'), '`a`:float > "0.5"');
    assert.equal(nql('a == TRUE', 'bool'), '`a`:bool == "True"');
    assert.equal(nql('a == false', 'bool'), '`a`:bool == "False"');
    assert.equal(nql('a == "x \\"q\\" \\\\ \\.d"', 'string'), '`a`:string == "x \\"q\\" \\\\ \\\\.d"');
  });
  it('backticked names and explicit types (Python or backend spelling)', () => {
    assert.equal(nql('`my attr/(1)`:float > 1'), '`my attr/(1)`:float > "1"');
    assert.equal(nql('x:floatSeries exists'), '`x`:floatSeries EXISTS');
    assert.equal(nql('x:string_set contains "a"'), '(`x`:stringSet CONTAINS "a")');
    assert.equal(nql('sys/tags:string == "a"'), '`sys/tags`:string == "a"');
  });
  it('bare paths may hold - . _ digits and letters', () => {
    assert.equal(nql('train-1/épochs_2.5 <= 3', 'int'), '`train-1/épochs_2.5`:int <= "3"');
    assert.equal(nql('a>=1', 'int'), '`a`:int >= "1"');
  });
  it('matches is the extended regex; not matches negates it', () => {
    assert.equal(nql('sys/name matches "^exp & !old"'), '((`sys/name`:string MATCHES "^exp") AND (`sys/name`:string NOT MATCHES "old"))');
    assert.equal(nql('sys/name not matches "^exp"'), 'NOT (((`sys/name`:string MATCHES "^exp")))');
  });
  it('contains lists; not contains is contains_none; not exists', () => {
    assert.equal(
      nql('sys/tags not contains ["a", "b"]'),
      '(`sys/tags`:stringSet NOT CONTAINS "a") AND (`sys/tags`:stringSet NOT CONTAINS "b")',
    );
    assert.equal(nql('x not exists', 'int'), 'NOT (`x`:int EXISTS)');
  });
  it('each occurrence of an attribute is its own object (inference fills every one)', () => {
    const compiled = compileFilter(parseFilter('a == 1 or a == 2'));
    const attributes = [...filterAttributes(compiled)];
    assert.equal(attributes.length, 2);
    assert.notEqual(attributes[0], attributes[1]);
  });
});

describe('errors name the filter input and the position', () => {
  const cases: [string, RegExp][] = [
    ['', /the filter is empty/],
    ['   ', /the filter is empty/],
    ['a = 1', /use '==' to compare \(at position 3\)/],
    ['a ==', /expected a value after '==' .*found the end of the filter \(at position 5\)/],
    ['a == abc', /found 'abc' \(put text in double quotes: "abc"\) \(at position 6\)/],
    ['(a == 1', /expected '\)' to close the '\(' at position 1 \(at position 8\)/],
    ['a == 1)', /this '\)' has no matching '\(' \(at position 7\)/],
    ['a == 1 b == 2', /expected 'and', 'or' or the end of the filter, found 'b' \(at position 8\)/],
    ['a == "open', /no closing double quote \(at position 6\)/],
    ['`open == 1', /no closing backtick \(at position 1\)/],
    ['a:foo == 1', /'foo' is not an attribute type/],
    ['and == 1', /expected an attribute name, found 'and' \(write `and` in backticks/],
    ['a matches 5', /'matches' needs a regex in double quotes/],
    ['a not foo', /expected 'matches', 'contains' or 'exists' after 'not', found 'foo'/],
    ['!a', /use 'not' to negate/],
    ['a == 1 and', /expected a condition, but the filter ends here \(at position 11\)/],
    ['a', /expected an operator after 'a'/],
    ['a contains [1, 2', /expected ',' or '\]' in the list/],
    ['a == 1 and\n  b ==', /\(at line 2, column 7\)/],
    ['a == 1 # x', /unexpected character '#'/],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => {
      assert.throws(
        () => parseFilter(input),
        (error: unknown) => error instanceof InputError && error.input === 'filter' && message.test(error.message),
      );
    });
  }
});

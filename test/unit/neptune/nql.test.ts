// NQL rendering: every example of neptune.md §4.1/§4.2, verbatim.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '../../../src/backends/neptune/query/filter-compile.ts';
import { parseFilter } from '../../../src/backends/neptune/query/filter-language.ts';
import { filterAttributes, nameSelectorFilter, renderNql, valuePredicate } from '../../../src/backends/neptune/query/nql.ts';
import { buildQuery as buildQueryOf } from '../../../src/backends/neptune/query/query.ts';
import { readNeptuneSelection } from '../../../src/backends/neptune/selection.ts';

const base = { 'api-token': Buffer.from(JSON.stringify({ api_url: 'https://n.example.com' })).toString('base64'), project: 'ws/proj' };
/** The query of a selection given as inputs (the strings the action reads). */
const buildQuery = (inputs: Record<string, string>) =>
  buildQueryOf(readNeptuneSelection((name) => inputs[name] ?? '', { env: {}, baseDirectory: '/' }));

describe('selectors (§4.2 table)', () => {
  it('names list, experiments and runs', () => {
    assert.equal(
      renderNql(nameSelectorFilter({ kind: 'names', names: ['a', 'b'] }, 'sys/name')),
      '(`sys/name`:string == "a") OR (`sys/name`:string == "b")',
    );
    assert.equal(
      renderNql(nameSelectorFilter({ kind: 'names', names: ['a', 'b'] }, 'sys/custom_run_id')),
      '(`sys/custom_run_id`:string == "a") OR (`sys/custom_run_id`:string == "b")',
    );
  });
  it('one name', () => {
    assert.equal(renderNql(nameSelectorFilter({ kind: 'names', names: ['a'] }, 'sys/name')), '(`sys/name`:string == "a")');
    assert.equal(
      renderNql(nameSelectorFilter({ kind: 'names', names: ['a'] }, 'sys/custom_run_id')),
      '(`sys/custom_run_id`:string == "a")',
    );
  });
  it('regex', () => {
    assert.equal(renderNql(nameSelectorFilter({ kind: 'regex', pattern: '^exp' }, 'sys/name')), '((`sys/name`:string MATCHES "^exp"))');
    assert.equal(
      renderNql(nameSelectorFilter({ kind: 'regex', pattern: '^exp' }, 'sys/custom_run_id')),
      '((`sys/custom_run_id`:string MATCHES "^exp"))',
    );
  });
  it('extended regex "a & !b | c"', () => {
    assert.equal(
      renderNql(nameSelectorFilter({ kind: 'regex', pattern: 'a & !b | c' }, 'sys/name')),
      '((`sys/name`:string MATCHES "a") AND (`sys/name`:string NOT MATCHES "b")) OR ((`sys/name`:string MATCHES "c"))',
    );
  });
  it('the captured search body of §4.1 (experiments=["exp-a"])', () => {
    const query = buildQuery({ ...base, experiments: 'exp-a' });
    assert.equal(JSON.stringify({ query: renderNql(query.filter!) }), '{"query":"(`sys/name`:string == \\"exp-a\\")"}');
  });
});

describe('rendering rules', () => {
  it('the §4.2 example after type inference', () => {
    const filter = compileFilter(parseFilter('(config/lr == 0.01 and sys/tags exists) or not sys/tags contains ["a", "b"]'));
    for (const attribute of filterAttributes(filter)) attribute.type = attribute.name === 'config/lr' ? 'float' : 'string_set';
    assert.equal(
      renderNql(filter),
      '((`config/lr`:float == "0.01") AND (`sys/tags`:stringSet EXISTS)) OR (NOT ((`sys/tags`:stringSet CONTAINS "a") AND (`sys/tags`:stringSet CONTAINS "b")))',
    );
  });
  it('escapes \\ then " in values; names are not escaped; untyped attributes have no type', () => {
    assert.equal(renderNql(valuePredicate({ name: 'a`b', type: undefined }, '==', 'x\\"y')), '`a`b` == "x\\\\\\"y"');
  });
  it('exists → `attr`:type EXISTS', () => {
    const filter = compileFilter(parseFilter('sys/tags exists'));
    for (const attribute of filterAttributes(filter)) attribute.type = 'string_set';
    assert.equal(renderNql(filter), '`sys/tags`:stringSet EXISTS');
  });
});

describe('selector and filter together', () => {
  it('names AND filter, as Filter.name([...]) & filter', () => {
    const query = buildQuery({ ...base, experiments: 'a\nb', filter: 'sys/failed == false' });
    for (const attribute of filterAttributes(query.filter!)) attribute.type ??= 'bool';
    assert.equal(renderNql(query.filter!), '((`sys/name`:string == "a") OR (`sys/name`:string == "b")) AND (`sys/failed`:bool == "False")');
    assert.equal(query.mode, 'experiments');
    assert.deepEqual(query.inputs, ['experiments', 'filter']);
  });
  it('runs regex AND filter', () => {
    const query = buildQuery({ ...base, runs: 'regex:^r', filter: 'x:int > 3' });
    assert.equal(renderNql(query.filter!), '(((`sys/custom_run_id`:string MATCHES "^r"))) AND (`x`:int > "3")');
    assert.equal(query.mode, 'runs');
  });
  it('only a filter selects experiments; nothing selects every experiment', () => {
    assert.equal(buildQuery({ ...base, filter: 'a:int == 1' }).mode, 'experiments');
    assert.equal(buildQuery(base).filter, undefined);
  });
});

// The emulator's MongoDB-style run filter evaluation and ordering (wandb.md §2.2), without HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError, parseFilters, re2ToRegExp, runComparator, runMatches, type FilterableRun } from './run-filters.ts';

const run = (over: Partial<FilterableRun>): FilterableRun => ({
  id: 'r1',
  displayName: 'one',
  state: 'finished',
  createdAt: '2024-01-01T00:00:00',
  tags: [],
  group: null,
  jobType: null,
  username: 'alice',
  config: {},
  summary: {},
  ...over,
});

describe('runMatches', () => {
  it('treats null as "missing or null", and $ne/$nin as matching missing fields', () => {
    assert.equal(runMatches(run({}), { group: null }), true);
    assert.equal(runMatches(run({ group: 'g' }), { group: null }), false);
    assert.equal(runMatches(run({}), { 'config.lr': { $ne: 1 } }), true);
    assert.equal(runMatches(run({}), { 'config.lr': { $nin: [1, 2] } }), true);
    assert.equal(runMatches(run({}), { 'config.lr': { $in: [1, 2] } }), false);
  });

  it('compares numbers numerically, times as UTC instants, and never across types', () => {
    assert.equal(runMatches(run({ config: { lr: 10 } }), { 'config.lr': { $gt: 9 } }), true);
    assert.equal(runMatches(run({ config: { lr: '10' } }), { 'config.lr': { $gt: 9 } }), false);
    assert.equal(runMatches(run({ createdAt: '2024-01-01T00:30:00' }), { createdAt: { $gt: '2023-12-31T23:59:59Z' } }), true);
    assert.equal(runMatches(run({ createdAt: '2024-01-01T00:30:00' }), { createdAt: { $lt: '2024-01-01T01:00:00+00:00' } }), true);
  });

  it('supports $all, $size, $not and $regex with $options on arrays', () => {
    const r = run({ tags: ['Best', 'baseline'] });
    assert.equal(runMatches(r, { tags: { $all: ['Best', 'baseline'] } }), true);
    assert.equal(runMatches(r, { tags: { $size: 2 } }), true);
    assert.equal(runMatches(r, { tags: { $not: { $in: ['x'] } } }), true);
    assert.equal(runMatches(r, { tags: { $regex: '^best$', $options: 'i' } }), true);
    assert.equal(runMatches(r, { tags: { $regex: '^best$' } }), false);
  });

  it('refuses unknown operators, mixed objects and empty logical arrays', () => {
    assert.throws(() => runMatches(run({}), { state: { $like: 'x' } }), FilterError);
    assert.throws(() => runMatches(run({}), { state: { $eq: 'x', other: 1 } }), FilterError);
    assert.throws(() => runMatches(run({}), { $or: [] }), FilterError);
    assert.throws(() => runMatches(run({}), { $where: 'x' }), FilterError);
  });

  it('compares non-operator objects as whole values', () => {
    assert.equal(runMatches(run({ config: { net: { w: 1 } } }), { 'config.net': { w: 1 } }), true);
    assert.equal(runMatches(run({ config: { net: { w: 1, h: 2 } } }), { 'config.net': { w: 1 } }), false);
  });
});

describe('re2ToRegExp', () => {
  it('maps leading flags, named groups and \\A/\\z', () => {
    assert.equal(re2ToRegExp('(?i)abc').flags, 'i');
    assert.ok(re2ToRegExp('(?P<x>a)').test('a'));
    assert.ok(re2ToRegExp('\\Aab\\z').test('ab'));
    assert.ok(!re2ToRegExp('\\Aab\\z').test('xab'));
    assert.throws(() => re2ToRegExp('('), FilterError);
  });
});

describe('parseFilters and runComparator', () => {
  it('accepts JSON text, objects and null', () => {
    assert.deepEqual(parseFilters('{"a": 1}'), { a: 1 });
    assert.deepEqual(parseFilters({ a: 1 }), { a: 1 });
    assert.deepEqual(parseFilters(null), {});
    assert.throws(() => parseFilters('[]'), FilterError);
  });

  it('sorts missing values last in both directions and refuses unknown keys', () => {
    const runs = [run({ id: 'a', summary: {} }), run({ id: 'b', summary: { acc: 1 } }), run({ id: 'c', summary: { acc: 2 } })];
    assert.deepEqual(
      [...runs].sort(runComparator('-summary_metrics.acc')).map((r) => r.id),
      ['c', 'b', 'a'],
    );
    assert.deepEqual(
      [...runs].sort(runComparator('+summary_metrics.acc')).map((r) => r.id),
      ['b', 'c', 'a'],
    );
    assert.throws(() => runComparator('bogus'), FilterError);
  });
});

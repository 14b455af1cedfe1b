import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inShard, parseShard, shardOf } from '../../../src/core/plan/shard.ts';
import type { RemoteFile } from '../../../src/core/types.ts';

const f = (container: string, attribute: string, step?: number): RemoteFile => ({
  backend: 'neptune',
  project: 'w/p',
  containerKind: 'experiment',
  container,
  attribute,
  step,
  pathParts: [container, attribute],
  handle: null,
});

describe('shard', () => {
  it('parses i/n', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3', '-1/2']) assert.equal(parseShard(bad), undefined, bad);
  });
  it('splits disjointly and completely, stable under additions', () => {
    const files = Array.from({ length: 300 }, (_, i) => f(`exp-${i % 7}`, `a/${i}`, i % 3 === 0 ? i : undefined));
    const counts = new Map<number, number>();
    for (const file of files) {
      const owners = [1, 2, 3].filter((i) => inShard(file, { index: i, count: 3 }));
      assert.equal(owners.length, 1);
      counts.set(owners[0] as number, (counts.get(owners[0] as number) ?? 0) + 1);
    }
    assert.equal(counts.size, 3);
    for (const c of counts.values()) assert.ok(c > 60, `balanced enough: ${[...counts.values()].join(',')}`);
    const before = files.map((file) => shardOf(file, 3));
    const more = [...files, f('new', 'x'), f('new', 'y')];
    assert.deepEqual(
      more.slice(0, files.length).map((file) => shardOf(file, 3)),
      before,
    );
  });
});

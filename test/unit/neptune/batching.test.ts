// Batching math of the client's split.py (neptune.md §5.2, §5.4, §6.2, §6.3); cases from its unit tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveBatchSizes, DEFAULT_BATCH_SIZES } from '../../../src/backends/neptune/api/batch-sizes.ts';
import {
  RUN_ID_SIZE,
  seriesRequestIds,
  splitAttributeNames,
  splitRunIds,
  splitRunsAndAttributes,
  splitSeriesPairs,
} from '../../../src/backends/neptune/api/batching.ts';
import { InputError } from '../../../src/core/errors.ts';

const sizes = (groups: unknown[][]): number[] => groups.map((g) => g.length);
const NAME = 'config/attribute0'; // 17 bytes, as in the client's tests
const A = NAME.length;

describe('splitRunIds (§5.4: ≤ limit/50 ids, spread evenly)', () => {
  const cases: [number, number, number[]][] = [
    [0, 0, []],
    [1, 0, [1]],
    [2, 0, [1, 1]],
    [3, RUN_ID_SIZE * 2, [2, 1]],
    [4, RUN_ID_SIZE * 2, [2, 2]],
    [5, RUN_ID_SIZE * 2, [2, 2, 1]],
    [9, RUN_ID_SIZE * 3 - 1, [2, 2, 2, 2, 1]],
    [9, RUN_ID_SIZE * 3, [3, 3, 3]],
    [9, RUN_ID_SIZE * 4, [3, 3, 3]],
    [8, RUN_ID_SIZE * 3, [3, 3, 2]],
    [7, RUN_ID_SIZE * 3, [3, 3, 1]],
    [5, RUN_ID_SIZE * 3, [3, 2]],
  ];
  for (const [count, limit, expected] of cases) {
    it(`${count} ids, limit ${limit}`, () => assert.deepEqual(sizes(splitRunIds(Array(count).fill('X'), limit)), expected));
  }
  it('default: 4,400 ids per request', () => {
    assert.deepEqual(sizes(splitRunIds(Array(10_000).fill('X'), 220_000)), [3334, 3334, 3332]);
    assert.deepEqual(sizes(splitRunIds(Array(4400).fill('X'), 220_000)), [4400]);
  });
});

describe('splitAttributeNames (§5.2: greedy by UTF-8 bytes)', () => {
  const cases: [number, number, number[]][] = [
    [0, 0, []],
    [1, 0, [1]],
    [2, 0, [1, 1]],
    [3, A * 2, [2, 1]],
    [9, A * 3 - 1, [2, 2, 2, 2, 1]],
    [9, A * 3, [3, 3, 3]],
    [9, A * 4, [4, 4, 1]],
    [8, A * 3, [3, 3, 2]],
  ];
  for (const [count, limit, expected] of cases) {
    it(`${count} names, limit ${limit}`, () => assert.deepEqual(sizes(splitAttributeNames(Array(count).fill(NAME), limit)), expected));
  }
  it('counts bytes, not characters', () => assert.deepEqual(sizes(splitAttributeNames(['éé', 'éé'], 7)), [1, 1]));
});

describe('splitRunsAndAttributes (§6.2)', () => {
  const cases: [number, number, number, number, [number, number][]][] = [
    [1, 1, 500, 500, [[1, 1]]],
    [1, 1, 1, 1, [[1, 1]]],
    [2, 3, 500, 500, [[2, 3]]],
    [
      2,
      3,
      500,
      1,
      [
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
      ],
    ],
    [
      2,
      3,
      1,
      500,
      [
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
      ],
    ],
    [
      2,
      3,
      500,
      2,
      [
        [1, 2],
        [1, 1],
        [1, 2],
        [1, 1],
      ],
    ],
    [
      2,
      3,
      500,
      3,
      [
        [1, 3],
        [1, 3],
      ],
    ],
    [
      2,
      3,
      500,
      5,
      [
        [1, 3],
        [1, 3],
      ],
    ],
    [2, 3, 500, 6, [[2, 3]]],
    [
      3,
      3,
      500,
      6,
      [
        [2, 3],
        [1, 3],
      ],
    ],
    [
      2,
      3,
      RUN_ID_SIZE + 2 * A,
      500,
      [
        [1, 2],
        [1, 1],
        [1, 2],
        [1, 1],
      ],
    ],
    [
      2,
      3,
      RUN_ID_SIZE + 3 * A,
      500,
      [
        [1, 3],
        [1, 3],
      ],
    ],
    [
      2,
      3,
      2 * RUN_ID_SIZE + 3 * A - 1,
      500,
      [
        [1, 3],
        [1, 3],
      ],
    ],
    [2, 3, 2 * RUN_ID_SIZE + 3 * A, 500, [[2, 3]]],
  ];
  for (const [runs, attributes, limit, batch, expected] of cases) {
    it(`${runs} runs × ${attributes} attributes, size ${limit}, batch ${batch}`, () => {
      const out = splitRunsAndAttributes(Array(runs).fill('R'), Array(attributes).fill(NAME), batch, limit);
      assert.deepEqual(
        out.map((b) => [b.runs.length, b.names.length]),
        expected,
      );
    });
  }
  it('nothing to ask without attributes', () => assert.deepEqual(splitRunsAndAttributes(['R'], [], 10, 10), []));
  it('default sizes: 10,000 runs × 1 attribute fit in ≤ 10,000 pairs and 220 kB', () => {
    const out = splitRunsAndAttributes(Array(10_000).fill('R'), ['a'], 10_000, 220_000);
    assert.deepEqual(
      out.map((b) => b.runs.length),
      [4399, 4399, 1202],
    );
  });
});

describe('splitSeriesPairs (§6.3)', () => {
  const pairs = (n: number) => Array.from({ length: n }, () => ({ attribute: NAME }));
  it('≤ batch pairs per request', () => assert.deepEqual(sizes(splitSeriesPairs(pairs(10), 3, 500)), [3, 3, 3, 1]));
  it('≤ max bytes of attribute names', () => {
    assert.deepEqual(sizes(splitSeriesPairs(pairs(3), 500, 2 * A)), [2, 1]);
    assert.deepEqual(sizes(splitSeriesPairs(pairs(2), 500, 2 * A - 1)), [1, 1]);
  });
  it('request ids are zero-padded to the width of the last index', () => {
    assert.deepEqual(seriesRequestIds(1), ['0']);
    assert.deepEqual(seriesRequestIds(11).slice(0, 2), ['00', '01']);
    assert.equal(seriesRequestIds(11)[10], '10');
    assert.equal(seriesRequestIds(101)[5], '005');
  });
});

describe('resolveBatchSizes', () => {
  it('defaults, environment, explicit values', () => {
    assert.deepEqual(resolveBatchSizes(undefined, {}), DEFAULT_BATCH_SIZES);
    const env = { NEPTUNE_QUERY_EXPERIMENT_SYS_ATTRS_BATCH_SIZE: '50', NEPTUNE_QUERY_FILES_BATCH_SIZE: ' 7 ' };
    const sizesOut = resolveBatchSizes({ searchPage: 3 }, env);
    assert.equal(sizesOut.searchPage, 3);
    assert.equal(sizesOut.filesPerSigning, 7);
  });
  it('a bad variable is an input error naming it', () => {
    assert.throws(
      () => resolveBatchSizes(undefined, { NEPTUNE_QUERY_SERIES_BATCH_SIZE: 'lots' }),
      (e: unknown) => e instanceof InputError && e.input === 'NEPTUNE_QUERY_SERIES_BATCH_SIZE',
    );
  });
});

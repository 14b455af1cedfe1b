// Paging rules (wandb.md §2.2): the last edge's cursor, stop on hasNextPage false, and no endless loops on a
// server that claims more pages without moving on; plus the ordered pool that lists a few runs at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerError } from '../../../src/core/errors.ts';
import { PageProgress, readRelayPage } from '../../../src/backends/wandb/graphql/relay-pages.ts';
import { orderedPool } from '../../../src/core/concurrency/ordered-pool.ts';
import { sleep } from '../../../src/core/http/retry-policy.ts';

describe('readRelayPage / PageProgress', () => {
  it("uses the last edge's cursor, not pageInfo.endCursor", () => {
    const page = readRelayPage(
      {
        edges: [
          { node: 1, cursor: 'a' },
          { node: 2, cursor: 'b' },
        ],
        pageInfo: { endCursor: 'zzz', hasNextPage: true },
      },
      'x',
    );
    assert.deepEqual(page, { nodes: [1, 2], cursor: 'b', hasNextPage: true });
    assert.equal(new PageProgress('x').next(page), 'b');
  });

  it('falls back to endCursor when edges carry none, and stops on hasNextPage false', () => {
    const page = readRelayPage({ edges: [{ node: 1 }], pageInfo: { endCursor: 'e', hasNextPage: false } }, 'x');
    assert.equal(page.cursor, 'e');
    assert.equal(new PageProgress('x').next(page), undefined);
  });

  it('refuses pages that do not advance', () => {
    const progress = new PageProgress('the files');
    const stuck = { nodes: [1], cursor: 'c', hasNextPage: true };
    assert.equal(progress.next(stuck), 'c');
    assert.throws(() => progress.next(stuck), ServerError);
    assert.throws(() => new PageProgress('x').next({ nodes: [], cursor: 'c', hasNextPage: true }), ServerError);
    assert.throws(() => new PageProgress('x').next({ nodes: [1], cursor: undefined, hasNextPage: true }), ServerError);
    assert.throws(() => readRelayPage({ nodes: [] }, 'x'), ServerError);
  });
});

describe('orderedPool', () => {
  async function* numbers(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i += 1) yield i;
  }

  it('runs at most `limit` tasks at once and yields in source order', async () => {
    let running = 0;
    let peak = 0;
    const out: number[] = [];
    for await (const v of orderedPool(numbers(10), 3, async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep((10 - i) * 2);
      running -= 1;
      return i * 10;
    })) {
      out.push(v);
    }
    assert.deepEqual(out, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert.equal(peak, 3);
  });

  it('fails when the failed task comes up, without unhandled rejections from later ones', async () => {
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const v of orderedPool(numbers(5), 3, async (i) => {
          if (i >= 1) throw new Error(`task ${i}`);
          return i;
        })) {
          seen.push(v);
        }
      })(),
      /task 1/,
    );
    assert.deepEqual(seen, [0]);
  });
});

// The ordered pool: a few tasks at once (a few runs listed at once), results in source order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderedPool } from '../../../src/core/concurrency/ordered-pool.ts';
import { sleep } from '../../../src/core/http/retry-policy.ts';

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

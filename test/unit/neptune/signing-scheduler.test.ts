// The signed-URL cache: batches in download order, prefetch at half a batch, ≤ 2 requests in flight, renewals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SigningScheduler } from '../../../src/backends/neptune/download/signing-scheduler.ts';
import type { SignedUrl, SignTarget } from '../../../src/backends/neptune/api/storage-bridge.ts';

const target = (i: number): SignTarget => ({ path: `p/${i}`, projectIdentifier: 'ws/proj' });
const targets = (n: number): SignTarget[] => Array.from({ length: n }, (_, i) => target(i));

function fakeSigner(options: { delayMs?: number; failFirst?: boolean } = {}) {
  const calls: string[][] = [];
  let active = 0;
  let maxActive = 0;
  let failures = options.failFirst === true ? 1 : 0;
  const signer = async (list: readonly SignTarget[]): Promise<SignedUrl[]> => {
    calls.push(list.map((t) => t.path));
    active += 1;
    maxActive = Math.max(maxActive, active);
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
    active -= 1;
    if (failures > 0) {
      failures -= 1;
      throw new Error('signing failed');
    }
    return list.map((t) => ({ url: `https://storage/${t.path}?sig=${calls.length}`, provider: 'gcp' as const }));
  };
  return { signer, calls, maxActive: () => maxActive };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('SigningScheduler', () => {
  it('signs the first needed file with the next ones in download order', async () => {
    const fake = fakeSigner();
    const cache = new SigningScheduler(fake.signer, { batchSize: 200 });
    cache.prepare(targets(1000));
    const url = await cache.get(target(0), false);
    assert.equal(url.url, 'https://storage/p/0?sig=1');
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(
      fake.calls[0],
      targets(200).map((t) => t.path),
    );
  });

  it('cuts each prepared page into blocks of its own, however the downloads interleave', async () => {
    const fake = fakeSigner();
    const cache = new SigningScheduler(fake.signer, { batchSize: 3 });
    const all = targets(13);
    cache.prepare(all.slice(0, 7));
    // The last file of the first page asks before the second page is known: its block is the page's rest.
    await cache.get(target(6), false);
    cache.prepare(all.slice(7));
    for (const t of all) await cache.get(t, false);
    await settle();
    assert.deepEqual(fake.calls, [['p/6'], ['p/0', 'p/1', 'p/2'], ['p/3', 'p/4', 'p/5'], ['p/7', 'p/8', 'p/9'], ['p/10', 'p/11', 'p/12']]);
  });

  it('starts the next batch once half of the current one is handed out', async () => {
    const fake = fakeSigner();
    const cache = new SigningScheduler(fake.signer, { batchSize: 200 });
    cache.prepare(targets(1000));
    for (let i = 0; i < 99; i += 1) await cache.get(target(i), false);
    await settle();
    assert.equal(fake.calls.length, 1, 'no prefetch before half');
    await cache.get(target(99), false);
    await settle();
    assert.equal(fake.calls.length, 2);
    assert.equal(fake.calls[1]?.[0], 'p/200');
    assert.equal(fake.calls[1]?.length, 200);
    // Files of the prefetched batch need no new request.
    for (let i = 100; i < 300; i += 1) await cache.get(target(i), false);
    await settle();
    assert.equal(fake.calls.length, 3, 'the third batch was prefetched at the middle of the second');
    assert.equal(fake.calls[2]?.[0], 'p/400');
  });

  it('covers 1000 files in order with exactly 5 requests', async () => {
    const fake = fakeSigner();
    const cache = new SigningScheduler(fake.signer, { batchSize: 200 });
    cache.prepare(targets(1000));
    for (let i = 0; i < 1000; i += 1) assert.match((await cache.get(target(i), false)).url, new RegExp(`p/${i}\\?`));
    assert.equal(fake.calls.length, 5);
    assert.deepEqual(
      fake.calls.map((c) => c[0]),
      ['p/0', 'p/200', 'p/400', 'p/600', 'p/800'],
    );
  });

  it('never has more than two signing requests in flight', async () => {
    const fake = fakeSigner({ delayMs: 15 });
    const cache = new SigningScheduler(fake.signer, { batchSize: 10 });
    cache.prepare(targets(200));
    await Promise.all(targets(200).map((t, i) => (i % 17 === 0 ? cache.get(t, true) : cache.get(t, false))));
    assert.ok(fake.maxActive() <= 2, `max in flight ${fake.maxActive()}`);
  });

  it('concurrent requests for files of one batch share its request', async () => {
    const fake = fakeSigner({ delayMs: 10 });
    const cache = new SigningScheduler(fake.signer, { batchSize: 50 });
    cache.prepare(targets(50));
    const urls = await Promise.all(targets(50).map((t) => cache.get(t, false)));
    assert.equal(fake.calls.length, 1);
    assert.equal(new Set(urls.map((u) => u.url)).size, 50);
  });

  it('renew re-signs just that file; a retry without renew reuses the URL', async () => {
    const fake = fakeSigner();
    const cache = new SigningScheduler(fake.signer, { batchSize: 200 });
    cache.prepare(targets(3));
    const first = await cache.get(target(1), false);
    assert.equal((await cache.get(target(1), false)).url, first.url);
    const renewed = await cache.get(target(1), true);
    assert.notEqual(renewed.url, first.url);
    assert.deepEqual(fake.calls.at(-1), ['p/1']);
    assert.equal((await cache.get(target(1), false)).url, renewed.url);
  });

  it('a file out of order starts its own batch from there', async () => {
    const fake = fakeSigner();
    const cache = new SigningScheduler(fake.signer, { batchSize: 100 });
    cache.prepare(targets(1000));
    await cache.get(target(500), false);
    assert.equal(fake.calls[0]?.[0], 'p/500');
    assert.equal(fake.calls[0]?.at(-1), 'p/599');
    await cache.get(target(0), false);
    assert.equal(fake.calls[1]?.[0], 'p/0');
    assert.equal(fake.calls[1]?.at(-1), 'p/99');
  });

  it('files it was not told about are signed alone; duplicate paths are signed once', async () => {
    const fake = fakeSigner();
    const cache = new SigningScheduler(fake.signer, { batchSize: 10 });
    cache.prepare([target(1), target(1), target(2)]);
    await cache.get(target(1), false);
    assert.deepEqual(fake.calls[0], ['p/1', 'p/2']);
    await cache.get(target(99), false);
    assert.deepEqual(fake.calls[1], ['p/99']);
  });

  it('a failed batch fails its waiters, and the next request signs again', async () => {
    const fake = fakeSigner({ failFirst: true });
    const cache = new SigningScheduler(fake.signer, { batchSize: 10 });
    cache.prepare(targets(5));
    await assert.rejects(cache.get(target(0), false), /signing failed/);
    assert.match((await cache.get(target(0), false)).url, /p\/0/);
    assert.deepEqual(fake.calls[1], ['p/0', 'p/1', 'p/2', 'p/3', 'p/4']);
  });
});

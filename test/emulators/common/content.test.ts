import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  contentBytes,
  contentMd5Base64,
  contentSha256Hex,
  contentSize,
  contentStream,
  digestComputations,
  MAX_IN_MEMORY_BYTES,
} from './content.ts';
import type { Content } from './contracts.ts';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

test('literal content: size, bytes and ranges', async () => {
  const text: Content = { text: 'héllo wörld' };
  assert.equal(contentSize(text), Buffer.byteLength('héllo wörld'));
  assert.equal(contentBytes(text, 'k').toString('utf8'), 'héllo wörld');
  assert.equal((await collect(contentStream(text, 'k', 1, 3))).toString('latin1'), Buffer.from('héllo').subarray(1, 4).toString('latin1'));
  const b64: Content = { base64: Buffer.from([0, 1, 2, 255]).toString('base64') };
  assert.deepEqual([...contentBytes(b64, 'k')], [0, 1, 2, 255]);
  assert.equal((await collect(contentStream({ text: '' }, 'k'))).length, 0);
});

test('generated content is deterministic, seed- and key-dependent', () => {
  const a = contentBytes({ generate: { size: 100_000 } }, 'key-a');
  assert.equal(a.length, 100_000);
  assert.deepEqual(contentBytes({ generate: { size: 100_000 } }, 'key-a'), a);
  assert.notDeepEqual(contentBytes({ generate: { size: 100_000 } }, 'key-b'), a);
  const seeded = contentBytes({ generate: { size: 1000, seed: 's' } }, 'x');
  assert.deepEqual(contentBytes({ generate: { size: 1000, seed: 's' } }, 'y'), seeded);
  // A shorter blob of the same seed is a prefix of the longer one.
  assert.deepEqual(contentBytes({ generate: { size: 500, seed: 's' } }, 'z'), seeded.subarray(0, 500));
});

test('ranges of generated content match the whole, at odd offsets and chunk borders', async () => {
  const c: Content = { generate: { size: 300_000, seed: 'ranges' } };
  const whole = contentBytes(c, 'k');
  assert.deepEqual(await collect(contentStream(c, 'k')), whole);
  for (const [start, end] of [
    [0, 0],
    [1, 17],
    [15, 16],
    [65_535, 65_537],
    [65_536 * 2 - 3, 299_999],
    [123_457, 200_001],
    [299_999, 299_999],
  ] as const) {
    assert.deepEqual(await collect(contentStream(c, 'k', start, end)), whole.subarray(start, end + 1), `${start}-${end}`);
  }
  // An end past the size is clipped.
  assert.equal((await collect(contentStream(c, 'k', 299_000, 10_000_000))).length, 1000);
});

test('digests match the bytes and are cached', () => {
  const c: Content = { generate: { size: 200_000 } };
  const bytes = contentBytes(c, 'digest');
  assert.equal(contentMd5Base64(c, 'digest'), createHash('md5').update(bytes).digest('base64'));
  assert.equal(contentSha256Hex(c, 'digest'), createHash('sha256').update(bytes).digest('hex'));
  assert.equal(contentMd5Base64({ text: 'abc' }, 'k'), createHash('md5').update('abc').digest('base64'));
  // Cached: asking again computes nothing, for the same object or an equal one under another key's seed.
  const computed = digestComputations();
  for (let i = 0; i < 1000; i += 1) contentMd5Base64(c, 'digest');
  assert.equal(contentMd5Base64({ generate: { size: 200_000, seed: 'digest' } }, 'other-key'), contentMd5Base64(c, 'digest'));
  assert.equal(digestComputations(), computed, 'digests were computed again instead of served from the cache');
  contentMd5Base64({ generate: { size: 200_001 } }, 'digest');
  assert.equal(digestComputations(), computed + 1, 'other content is hashed once');
});

test('missing content has a declared size and no bytes', () => {
  const c: Content = { missing: true, size: 42 };
  assert.equal(contentSize(c), 42);
  assert.equal(contentSize({ missing: true }), 0);
  assert.throws(() => contentBytes(c, 'k'), /missing/);
  assert.throws(() => contentStream(c, 'k'), /missing/);
});

test('large generated content is refused in memory and streamed in bounded chunks', async () => {
  // Just over the in-memory limit, and not a whole number of chunks. (Its speed is measured by npm run bench.)
  const size = MAX_IN_MEMORY_BYTES + 12_345;
  const c: Content = { generate: { size, seed: 'large' } };
  assert.throws(() => contentBytes(c, 'k'), /too large/);
  const stream = contentStream(c, 'k');
  assert.equal(stream.readableLength, 0, 'nothing is generated before it is read');
  let n = 0;
  let largestChunk = 0;
  let mostBuffered = 0;
  let last: Buffer = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    // 'data' sees each chunk as the stream produced it (an async iterator would read the buffer whole).
    stream.on('data', (chunk: Buffer) => {
      n += chunk.length;
      largestChunk = Math.max(largestChunk, chunk.length);
      mostBuffered = Math.max(mostBuffered, stream.readableLength);
      last = chunk;
    });
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  assert.equal(n, size);
  // Produced on demand, 64 KiB at a time, and never more than the stream's buffer ahead of the reader.
  assert.ok(largestChunk <= 64 * 1024, `a chunk of ${largestChunk} bytes`);
  assert.ok(mostBuffered <= stream.readableHighWaterMark + 64 * 1024, `${mostBuffered} bytes buffered ahead`);
  // The tail is what a ranged read of it gives.
  assert.deepEqual(last, await collect(contentStream(c, 'k', size - last.length)));
});

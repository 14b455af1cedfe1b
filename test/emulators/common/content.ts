// The bytes behind a fixture `Content`. Generated content is the AES-128-CTR keystream of a key derived from
// its seed: deterministic, seekable to any offset (the counter is the 16-byte block index) and produced by
// OpenSSL at several GB/s, so benchmarks can stream gigabytes without ever holding a file in memory.
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Content } from './contracts.ts';

/** Generated content larger than this is only ever streamed (contentBytes refuses it). */
export const MAX_IN_MEMORY_BYTES = 64 * 1024 * 1024;

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);
const AES_BLOCK = 16;

/** True for content the storage does not hold (answers 404). */
export function isMissing(c: Content): c is { missing: true; size?: number } {
  return 'missing' in c;
}

/** The size the tracker reports: real bytes, or the declared size of a missing blob (default 0). */
export function contentSize(c: Content): number {
  if ('text' in c) return Buffer.byteLength(c.text, 'utf8');
  if ('base64' in c) return literalBytes(c).length;
  if ('generate' in c) return c.generate.size;
  return c.size ?? 0;
}

/** The seed a generated blob uses: its own, or the blob key. */
function seedOf(c: { generate: { size: number; seed?: string } }, key: string): string {
  return c.generate.seed ?? key;
}

const literalCache = new WeakMap<object, Buffer>();

function literalBytes(c: { text: string } | { base64: string }): Buffer {
  let buf = literalCache.get(c);
  if (buf === undefined) {
    buf = 'text' in c ? Buffer.from(c.text, 'utf8') : Buffer.from(c.base64, 'base64');
    literalCache.set(c, buf);
  }
  return buf;
}

function aesKey(seed: string): Buffer {
  return createHash('sha256').update('emulator-content\0').update(seed, 'utf8').digest().subarray(0, 16);
}

/** A keystream positioned at `offset`: the counter starts at the containing AES block, the rest is skipped. */
function keystreamAt(seed: string, offset: number): { next(n: number): Buffer } {
  const iv = Buffer.alloc(16);
  // 2^53 bytes is far beyond any fixture, so the block index fits the low 8 bytes of the big-endian counter.
  iv.writeBigUInt64BE(BigInt(Math.floor(offset / AES_BLOCK)), 8);
  const cipher = createCipheriv('aes-128-ctr', aesKey(seed), iv);
  let skip = offset % AES_BLOCK;
  return {
    next(n: number): Buffer {
      const want = n + skip;
      const out = want <= CHUNK ? cipher.update(ZEROS.subarray(0, want)) : cipher.update(Buffer.alloc(want));
      const result = skip > 0 ? out.subarray(skip) : out;
      skip = 0;
      return result;
    },
  };
}

/** All bytes of small content. Throws for missing content and for generated content over MAX_IN_MEMORY_BYTES. */
export function contentBytes(c: Content, key: string): Buffer {
  if ('text' in c || 'base64' in c) return literalBytes(c);
  if ('generate' in c) {
    if (c.generate.size > MAX_IN_MEMORY_BYTES) {
      throw new Error(`generated content of ${c.generate.size} bytes is too large to hold; stream it`);
    }
    const ks = keystreamAt(seedOf(c, key), 0);
    const parts: Buffer[] = [];
    for (let done = 0; done < c.generate.size;) {
      const part = ks.next(Math.min(CHUNK, c.generate.size - done));
      parts.push(Buffer.from(part));
      done += part.length;
    }
    return Buffer.concat(parts, c.generate.size);
  }
  throw new Error(`blob ${key} is missing from storage`);
}

/**
 * Streams bytes `start..endInclusive` (defaults: the whole content). Generated content is produced in 64 KiB
 * chunks on demand, so backpressure bounds memory. Throws for missing content.
 */
export function contentStream(c: Content, key: string, start = 0, endInclusive?: number): Readable {
  const size = contentSize(c);
  const end = Math.min(endInclusive ?? size - 1, size - 1);
  if (start < 0 || !Number.isInteger(start) || !Number.isInteger(end)) throw new RangeError('bad range');
  if (isMissing(c)) throw new Error(`blob ${key} is missing from storage`);
  if (!('generate' in c)) {
    const buf = literalBytes(c).subarray(start, end + 1);
    return Readable.from(buf.length > 0 ? [buf] : [], { objectMode: false });
  }
  const ks = keystreamAt(seedOf(c, key), start);
  let pos = start;
  return new Readable({
    highWaterMark: 4 * CHUNK,
    read() {
      // Several chunks per call keep the per-push overhead low; push() tells when the buffer is full.
      for (let i = 0; i < 4; i += 1) {
        if (pos > end) {
          this.push(null);
          return;
        }
        const n = Math.min(CHUNK, end - pos + 1);
        const chunk = ks.next(n);
        pos += chunk.length;
        if (!this.push(chunk)) return;
      }
    },
  });
}

/** Feeds every byte of the content to a hash without holding it (missing content hashes as zero bytes). */
function digestOf(c: Content, key: string, hash: Hash): Hash {
  if ('text' in c || 'base64' in c) return hash.update(literalBytes(c));
  if ('generate' in c) {
    const ks = keystreamAt(seedOf(c, key), 0);
    for (let done = 0; done < c.generate.size;) {
      const part = ks.next(Math.min(CHUNK, c.generate.size - done));
      hash.update(part);
      done += part.length;
    }
  }
  return hash;
}

const MAX_CACHED_DIGESTS = 100_000;
const digestCache = new Map<string, string>();
let digestsComputed = 0;

/** How many digests were computed rather than served from the cache (tests check the cache with it). */
export function digestComputations(): number {
  return digestsComputed;
}

/** Literal content hashes the same under any key; generated content depends on its seed and size only. */
function cacheKey(c: Content, key: string, algorithm: string): string {
  if ('generate' in c) return `${algorithm}\0g\0${c.generate.size}\0${seedOf(c, key)}`;
  if (isMissing(c)) return `${algorithm}\0m`;
  const bytes = literalBytes(c);
  if (bytes.length > 4096) return `${algorithm}\0h\0${createHash('sha1').update(bytes).digest('hex')}`;
  return `${algorithm}\0l\0${bytes.toString('base64')}`;
}

function cachedDigest(c: Content, key: string, algorithm: 'md5' | 'sha256', encoding: 'base64' | 'hex'): string {
  const ck = cacheKey(c, key, algorithm);
  let value = digestCache.get(ck);
  if (value === undefined) {
    value = digestOf(c, key, createHash(algorithm)).digest(encoding);
    digestsComputed += 1;
    if (digestCache.size >= MAX_CACHED_DIGESTS) digestCache.clear();
    digestCache.set(ck, value);
  }
  return value;
}

/** Base64 MD5 of the bytes (what W&B reports and GCS sends in `x-goog-hash`). Cached; ~0.7 GB/s when cold. */
export function contentMd5Base64(c: Content, key: string): string {
  return cachedDigest(c, key, 'md5', 'base64');
}

/** Hex SHA-256 of the bytes. Cached. */
export function contentSha256Hex(c: Content, key: string): string {
  return cachedDigest(c, key, 'sha256', 'hex');
}

// One attempt at fetching a file's bytes into a temporary file: follows redirects without carrying the
// tracker's credentials off its API host, reads Azure-style ranged chunks, hashes while writing, and reports
// a failure as a kind the retry loop understands. Bodies are streamed; a whole file is never in memory.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { request, type Dispatcher } from 'undici';
import type { Locator, StorageAnswer } from '../source.ts';
import { AttemptError } from './attempt-error.ts';

import { firstHeader, headerRecord } from '../http/headers.ts';
import { parseRetryAfter } from '../http/retry-policy.ts';

const MAX_REDIRECTS = 5;
const ERROR_BODY_BYTES = 4096;

export interface FetchOutcome {
  bytes: number;
  /** MD5 of the received bytes (base64), when there was something to compare it with (see fetchToFile). */
  md5?: string;
  /** The whole object's MD5 as the storage reported it (GCS x-goog-hash, Content-MD5, Azure x-ms-blob-content-md5). */
  storageMd5?: string;
}

/**
 * The object's MD5 (base64) from storage headers, when the storage sends one: GCS `x-goog-hash: crc32c=…,md5=…`
 * (absent for composite objects), `Content-MD5` of a whole-object answer, and on an Azure ranged read
 * `x-ms-blob-content-md5` (the blob's, not the range's). S3 ETags are not MD5s for multipart uploads: unused.
 */
function reportedMd5(res: Response, ranged: boolean): string | undefined {
  const goog = res.headers['x-goog-hash'];
  for (const part of (Array.isArray(goog) ? goog : [goog ?? '']).join(',').split(',')) {
    const m = /^\s*md5=([A-Za-z0-9+/]{22}==)\s*$/.exec(part);
    if (m) return m[1];
  }
  const value = firstHeader(ranged ? res.headers['x-ms-blob-content-md5'] : res.headers['content-md5']);
  return value !== undefined && /^[A-Za-z0-9+/]{22}==$/.test(value) ? value : undefined;
}

export interface FetchContext {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  /** Called for every request sent to storage (or the redirecting API), for statistics. */
  onRequest?: () => void;
}

interface Response {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/** Sends a GET, following redirects; credentials go only to the locator's authOrigin. */
async function get(locator: Locator, extra: Record<string, string>, ctx: FetchContext): Promise<Response> {
  let url = locator.url;
  for (let hop = 0; ; hop += 1) {
    const { protocol, origin } = new URL(url);
    // A tracker (or a redirect) may name any scheme; only http(s) is fetched, and no attempt will change that.
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new AttemptError(
        'fatal',
        `the file's ${hop === 0 ? 'URL' : 'redirect'} is a ${protocol} address, not http(s); it is not fetched`,
      );
    }
    const sameOrigin = locator.authOrigin !== undefined && origin === locator.authOrigin;
    const headers: Record<string, string> = { ...locator.headers, ...extra };
    if (sameOrigin) Object.assign(headers, locator.authHeaders);
    ctx.onRequest?.();
    const res = await request(url, { method: 'GET', headers, signal: ctx.signal, dispatcher: ctx.dispatcher });
    const location = firstHeader(res.headers.location);
    if (res.statusCode >= 300 && res.statusCode < 400 && location !== undefined) {
      await res.body.dump();
      if (hop >= MAX_REDIRECTS) throw new AttemptError('fatal', `more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url).toString();
      continue;
    }
    return { url, status: res.statusCode, headers: headerRecord(res.headers), body: res.body };
  }
}

async function failureOf(res: Response, locator: Locator): Promise<AttemptError> {
  let body = '';
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      if (size < ERROR_BODY_BYTES) chunks.push(buf);
      size += buf.length;
    }
    body = Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
  } catch {
    // The error body is only informative.
  }
  const answer: StorageAnswer = { url: res.url, status: res.status, headers: res.headers, body };
  const kind = locator.classify(answer);
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  // A file URL on the tracker's API host (W&B) that refuses is not the storage speaking.
  const who = locator.authOrigin !== undefined && new URL(res.url).origin === locator.authOrigin ? 'the tracker' : 'storage';
  return new AttemptError(kind, `${who} answered HTTP ${res.status}${code ? ` (${code})` : ''}`, {
    status: res.status,
    retryAfterMs: parseRetryAfter(firstHeader(res.headers['retry-after'])),
  });
}

/** The locator's own check of a successful answer (checkAnswer); a refused answer's body is discarded. */
async function accept(res: Response, locator: Locator): Promise<void> {
  const refusal = locator.checkAnswer?.({ url: res.url, status: res.status, headers: res.headers });
  if (refusal === undefined) return;
  await res.body.dump().catch(() => undefined);
  throw refusal;
}

/**
 * The temporary file being written. The stream opens it while the request is under way (writes queue until it
 * is open); `failed` rejects on the stream's first error, so no wait on it can hang.
 */
interface Sink {
  out: WriteStream;
  failed: Promise<never>;
}

function openSink(tmpPath: string): Sink {
  const out = createWriteStream(tmpPath, { flags: 'wx', highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  return { out, failed };
}

/**
 * Streams a response body into the sink, counting and hashing, with backpressure. A plain loop rather than
 * stream.pipeline: per small file, pipeline's bookkeeping (an AbortController and DOMException per call) costs
 * more than the copy.
 */
async function appendBody(body: Response['body'], sink: Sink, hash: Hash | undefined): Promise<number> {
  let n = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash?.update(chunk);
    n += chunk.length;
    if (!sink.out.write(chunk)) await Promise.race([once(sink.out, 'drain'), sink.failed]);
  }
  return n;
}

function contentLength(res: Response): number | undefined {
  const v = firstHeader(res.headers['content-length']);
  return v === undefined ? undefined : Number(v);
}

/** Total size from `Content-Range: bytes a-b/total`. */
function rangeTotal(res: Response): number | undefined {
  const m = /\/(\d+)\s*$/.exec(firstHeader(res.headers['content-range']) ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Fetches the file into `tmpPath` (created exclusively, so a planted file or link there is never followed).
 * Checks the body against Content-Length, and every chunk against its range. `onReceived` is called once the
 * last byte has arrived, before the file is flushed and closed.
 */
export async function fetchToFile(
  locator: Locator,
  tmpPath: string,
  ctx: FetchContext,
  wantMd5: boolean,
  onReceived?: () => void,
): Promise<FetchOutcome> {
  const hashing: Hashing = { wanted: wantMd5 };
  const sink = openSink(tmpPath);
  const seen: { md5?: string } = {};
  try {
    const bytes =
      locator.body !== undefined
        ? await writeHeld(locator.body, sink, hashing)
        : locator.ranged
          ? await fetchRanged(locator, locator.ranged, sink, hashing, ctx, seen)
          : await fetchWhole(locator, sink, hashing, ctx, seen);
    // Every byte is in; what is left (flush, close) is the disk's.
    onReceived?.();
    await Promise.race([
      new Promise<void>((resolve, reject) => sink.out.end((err?: Error | null) => (err ? reject(err) : resolve()))),
      sink.failed,
    ]);
    return {
      bytes,
      ...(hashing.hash === undefined ? {} : { md5: hashing.hash.digest('base64') }),
      ...(seen.md5 === undefined ? {} : { storageMd5: seen.md5 }),
    };
  } catch (error) {
    // Wait until the file is closed, so the caller's removal of the temporary file cannot race its creation.
    sink.out.destroy();
    if (!sink.out.closed) await once(sink.out, 'close').catch(() => undefined);
    throw error;
  }
}

/**
 * MD5 is computed only when something can check it — the tracker's checksum, or one the storage sends with the
 * answer — because on large files hashing is most of the CPU a download costs.
 */
interface Hashing {
  wanted: boolean;
  hash?: Hash;
}

function hashFor(hashing: Hashing, seen: { md5?: string }): Hash | undefined {
  if (hashing.hash === undefined && (hashing.wanted || seen.md5 !== undefined)) hashing.hash = createHash('md5');
  return hashing.hash;
}

/** Bytes the source holds itself (Locator.body): no request, the same sink and hashing as a download. */
async function writeHeld(body: Buffer, sink: Sink, hashing: Hashing): Promise<number> {
  hashFor(hashing, {})?.update(body);
  if (!sink.out.write(body)) await Promise.race([once(sink.out, 'drain'), sink.failed]);
  return body.length;
}

async function fetchWhole(locator: Locator, sink: Sink, hashing: Hashing, ctx: FetchContext, seen: { md5?: string }): Promise<number> {
  const res = await get(locator, {}, ctx);
  if (res.status < 200 || res.status >= 300) throw await failureOf(res, locator);
  return takeWholeBody(res, locator, sink, hashing, seen);
}

/** A successful answer holding the whole object: accepted by the locator, streamed into the sink, length checked. */
async function takeWholeBody(res: Response, locator: Locator, sink: Sink, hashing: Hashing, seen: { md5?: string }): Promise<number> {
  await accept(res, locator);
  seen.md5 = reportedMd5(res, false);
  const expected = contentLength(res);
  const n = await appendBody(res.body, sink, hashFor(hashing, seen));
  if (expected !== undefined && n !== expected) throw new AttemptError('transient', `body ended after ${n} of ${expected} bytes`);
  return n;
}

async function fetchRanged(
  locator: Locator,
  ranged: NonNullable<Locator['ranged']>,
  sink: Sink,
  hashing: Hashing,
  ctx: FetchContext,
  seen: { md5?: string },
): Promise<number> {
  let offset = 0;
  let total: number | undefined;
  let span = ranged.firstBytes;
  for (let guard = 0; total === undefined || offset < total; guard += 1) {
    if (guard > 1_000_000) throw new AttemptError('fatal', 'too many ranged requests');
    const end = offset + span - 1;
    const res = await get(locator, { [ranged.header]: `bytes=${offset}-${end}` }, ctx);
    if (res.status === 416 && offset === 0) {
      // An empty blob has no satisfiable range; the Azure SDK then asks again without one (neptune.md §7.2).
      await res.body.dump();
      return fetchWhole(locator, sink, hashing, ctx, seen);
    }
    // The server ignored the range and sent everything.
    if (res.status === 200 && offset === 0) return takeWholeBody(res, locator, sink, hashing, seen);
    if (res.status !== 206) throw await failureOf(res, locator);
    if (offset === 0) {
      await accept(res, locator);
      seen.md5 = reportedMd5(res, true);
    }
    total = rangeTotal(res);
    if (total === undefined) throw new AttemptError('transient', 'a ranged answer had no Content-Range total');
    const want = Math.min(end, total - 1) - offset + 1;
    const n = await appendBody(res.body, sink, hashFor(hashing, seen));
    if (n !== want) throw new AttemptError('transient', `a ranged body ended after ${n} of ${want} bytes`);
    offset += n;
    span = ranged.chunkBytes;
  }
  return offset;
}

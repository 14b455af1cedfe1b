import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { request } from 'undici';
import { contentBytes } from './content.ts';
import { createFaultEngine } from './faults.ts';
import { createRequestLog } from './request-log.ts';
import { parseRange, startStorageServer } from './storage-server.ts';

const faults = createFaultEngine();
const log = createRequestLog();
const storage = await startStorageServer({ faults, log });
/** The short-lived server's clock: tests move it forward instead of waiting. */
let now = Date.now();
const shortLived = await startStorageServer({ faults, log, urlTtlMs: 1000, clock: () => now });
after(async () => {
  await storage.close();
  await shortLived.close();
});

const GENERATED = { generate: { size: 1_000_000 } } as const;
const HOSTILE_KEY = 'proj/run 1/../exp ü 名//a%2Fb?.bin';
await storage.signer.put('p/r/file.txt', { text: 'hello storage' }, 'gcp');
await storage.signer.put('p/r/file.txt', { text: 'hello aws' }, 'aws');
await storage.signer.put('w/run/big.bin', GENERATED, 'wandb');
await storage.signer.put('p/r/gone', { missing: true, size: 10 }, 'gcp');
await storage.signer.put('p/r/gone', { missing: true, size: 10 }, 'aws');
await storage.signer.put(HOSTILE_KEY, { text: 'hostile' }, 'gcp');
await shortLived.signer.put('k', { text: 'soon gone' }, 'gcp');
await shortLived.signer.put('k', { text: 'soon gone' }, 'aws');

async function get(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const res = await request(url, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body, text: body.toString('utf8') };
}

test('serves signed URLs on 127.0.0.2 in gcp, aws and wandb forms', async () => {
  assert.match(storage.origin, /^http:\/\/127\.0\.0\.2:\d+$/);
  const gcp = storage.signer.sign('p/r/file.txt', 'gcp');
  assert.match(gcp, /\?X-Goog-Algorithm=GOOG4-HMAC-SHA256&.*X-Goog-Date=\d{8}T\d{6}Z&X-Goog-Expires=\d+&.*X-Goog-Signature=[0-9a-f]{64}$/);
  const aws = storage.signer.sign('p/r/file.txt', 'aws');
  assert.match(aws, /X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Date=.*X-Amz-Expires=.*X-Amz-Signature=[0-9a-f]{64}$/);
  assert.match(storage.signer.sign('w/run/big.bin', 'wandb'), /\/wandb\/w%2Frun%2Fbig\.bin\?X-Goog-/);
  const a = await get(gcp);
  assert.equal(a.status, 200);
  assert.equal(a.text, 'hello storage');
  assert.equal(a.headers['content-length'], String('hello storage'.length));
  assert.equal(a.headers['x-goog-hash'], `md5=${createHash('md5').update('hello storage').digest('base64')}`);
  assert.ok(a.headers.etag);
  assert.equal((await get(aws)).text, 'hello aws');
  const big = await get(storage.signer.sign('w/run/big.bin', 'wandb'));
  assert.deepEqual(big.body, contentBytes(GENERATED, 'w/run/big.bin'));
});

test('a key with spaces, unicode, dot-dot and slashes survives the round trip', async () => {
  const res = await get(storage.signer.sign(HOSTILE_KEY, 'gcp'));
  assert.equal(res.status, 200);
  assert.equal(res.text, 'hostile');
});

test('Range requests: 206 with Content-Range, suffix ranges, 416', async () => {
  const url = storage.signer.sign('w/run/big.bin', 'wandb');
  const whole = contentBytes(GENERATED, 'w/run/big.bin');
  const part = await get(url, { range: 'bytes=100-65636' });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], 'bytes 100-65636/1000000');
  assert.deepEqual(part.body, whole.subarray(100, 65637));
  const tail = await get(url, { range: 'bytes=-10' });
  assert.deepEqual(tail.body, whole.subarray(999_990));
  const open = await get(url, { range: 'bytes=999999-' });
  assert.equal(open.body.length, 1);
  const beyond = await get(url, { range: 'bytes=0-99999999' });
  assert.equal(beyond.headers['content-range'], 'bytes 0-999999/1000000');
  const bad = await get(url, { range: 'bytes=2000000-' });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['content-range'], 'bytes */1000000');
  assert.deepEqual(parseRange('bytes=0-1,5-6', 10), undefined);
});

test('HEAD answers headers only', async () => {
  const res = await get(storage.signer.sign('w/run/big.bin', 'wandb'), {}, 'HEAD');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-length'], '1000000');
  assert.equal(res.body.length, 0);
});

test('missing blobs: 404 NoSuchKey in the provider form', async () => {
  const gcp = await get(storage.signer.sign('p/r/gone', 'gcp'));
  assert.equal(gcp.status, 404);
  assert.match(gcp.text, /<Code>NoSuchKey<\/Code><Message>The specified key does not exist\.<\/Message>/);
  const unknown = await get(storage.signer.sign('never/registered', 'gcp'));
  assert.equal(unknown.status, 404);
  const aws = await get(storage.signer.sign('p/r/gone', 'aws'));
  assert.equal(aws.status, 404);
  assert.match(aws.text, /<Code>NoSuchKey<\/Code>.*<Key>p\/r\/gone<\/Key>/);
});

test('a tampered signature or key is refused with 403', async () => {
  const url = storage.signer.sign('p/r/file.txt', 'gcp');
  const tampered = url.replace(/X-Goog-Signature=(.)/, (_, c: string) => `X-Goog-Signature=${c === 'a' ? 'b' : 'a'}`);
  const res = await get(tampered);
  assert.equal(res.status, 403);
  assert.match(res.text, /SignatureDoesNotMatch/);
  const otherKey = await get(url.replace('file.txt', 'other.txt'));
  assert.equal(otherKey.status, 403);
  const longer = await get(url.replace(/X-Goog-Expires=\d+/, 'X-Goog-Expires=99999'));
  assert.equal(longer.status, 403);
  const unsigned = await get(url.split('?')[0] ?? '');
  assert.equal(unsigned.status, 403);
});

test('expiry: gcp answers 400 ExpiredToken, aws 403 AccessDenied "Request has expired"', async () => {
  const gcpUrl = shortLived.signer.sign('k', 'gcp');
  const awsUrl = shortLived.signer.sign('k', 'aws');
  assert.equal((await get(gcpUrl)).status, 200);
  // 1 s, rounded up to whole seconds from the signing second: expired 2.1 s later at the latest.
  now += 2100;
  const gcp = await get(gcpUrl);
  assert.equal(gcp.status, 400);
  assert.match(gcp.text, /<Error><Code>ExpiredToken<\/Code><Message>Invalid argument\.<\/Message>/);
  const aws = await get(awsUrl);
  assert.equal(aws.status, 403);
  assert.match(aws.text, /<Error><Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  // A fresh signature works again.
  assert.equal((await get(shortLived.signer.sign('k', 'gcp'))).status, 200);
});

test('faults: expire, status, corrupt, truncate apply to target storage', async () => {
  const url = storage.signer.sign('p/r/file.txt', 'gcp');
  faults.add({ target: 'storage', action: { kind: 'expire' } });
  assert.equal((await get(url)).status, 400);
  faults.add({ target: 'storage', pathIncludes: 'p/r/file.txt', action: { kind: 'status', status: 503, retryAfter: '1' } });
  const busy = await get(url);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers['retry-after'], '1');
  assert.match(busy.text, /<Code>ServerBusy<\/Code>/);
  faults.add({ target: 'storage', action: { kind: 'corrupt' } });
  const corrupt = await get(url);
  assert.equal(corrupt.body.length, 'hello storage'.length);
  assert.notEqual(corrupt.text, 'hello storage');
  faults.add({ target: 'storage', action: { kind: 'truncate', bytes: 5 } });
  const res = await request(url);
  assert.equal(res.headers['content-length'], String('hello storage'.length));
  await assert.rejects(res.body.arrayBuffer());
  faults.add({ target: 'storage', action: { kind: 'reset' } });
  await assert.rejects(async () => (await request(url)).body.arrayBuffer());
  assert.equal((await get(url)).text, 'hello storage');
});

test('mid-body faults: stall then continue, reset after some bytes', async () => {
  const url = storage.signer.sign('w/run/big.bin', 'wandb');
  const whole = contentBytes(GENERATED, 'w/run/big.bin');
  faults.add({ target: 'storage', action: { kind: 'stall', ms: 150, afterBytes: 70_000 } });
  const t0 = performance.now();
  const stalled = await get(url);
  // A lower bound only: a busy machine can only make the stall longer.
  assert.ok(performance.now() - t0 >= 140, `whole after ${performance.now() - t0} ms with a 150 ms stall`);
  assert.deepEqual(stalled.body, whole);
  faults.add({ target: 'storage', action: { kind: 'reset', afterBytes: 70_000 } });
  const res = await request(url);
  let received = 0;
  await assert.rejects(async () => {
    for await (const chunk of res.body) received += (chunk as Buffer).length;
  });
  assert.ok(received <= 70_000, `${received}`);
});

test('every request is logged as storage/blob with its headers, Authorization included', async () => {
  log.clear();
  await get(storage.signer.sign('p/r/file.txt', 'gcp'), { Authorization: 'Bearer leaked', 'X-Custom': 'v' });
  const [entry] = log.entries();
  assert.equal(log.count('storage', 'blob'), 1);
  assert.equal(entry?.target, 'storage');
  assert.equal(entry?.endpoint, 'blob');
  assert.equal(entry?.method, 'GET');
  assert.equal(entry?.status, 200);
  assert.equal(entry?.headers.authorization, 'Bearer leaked');
  assert.equal(entry?.headers['x-custom'], 'v');
  assert.match(entry?.path ?? '', /^\/neptune-gcp\/p%2Fr%2Ffile\.txt\?/);
});
